/**
 * Dataverse-shaped failures: HTTP status + `{ "error": { "code": "0x…", "message": "…" } }`.
 * Codes marked "real" are the platform's documented/observed ones; the others are the simulator's
 * choice where no public source gave the exact value (see README).
 */
export const ErrorCodes = {
  /** real: ObjectDoesNotExist */
  notFound: '0x80040217',
  /** real: OData property/segment not found on the type */
  invalidProperty: '0x80060888',
  /** real: InvalidArgument */
  invalidArgument: '0x80040203',
  /** real: ConcurrencyVersionMismatch (If-Match etag stale) */
  concurrencyMismatch: '0x80060882',
  /** real: DuplicateRecord (If-None-Match: * on an existing row) */
  duplicateRecord: '0x80040237',
  /** real: service protection, number of requests */
  throttledRequests: '0x80072322',
  /** real: picklist value outside the valid range */
  optionOutOfRange: '0x8004431a',
  /** real: ISV code aborted the operation (a failing synchronous step) */
  pluginAborted: '0x80040265',
  /** real: PrivilegeDenied ("The user does not hold the necessary privileges.") */
  privilegeDenied: '0x80040220',
  /** SecLib::AccessCheckEx hr -2147187962: the privilege's depth does not reach the record (community-observed) */
  accessCheckFailed: '0x80048306',
  /** simulator: solution import failure */
  importFailed: '0x8004801a',
  /** simulator: missing/undecodable bearer token */
  unauthorized: '0x80072560',
} as const;

export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DataverseError';
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const notFound = (entity: string, id: string): DataverseError =>
  new DataverseError(404, ErrorCodes.notFound, `${entity} With Id = ${id} Does Not Exist`);

export const badProperty = (entity: string, property: string): DataverseError =>
  new DataverseError(
    400,
    ErrorCodes.invalidProperty,
    `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${entity}'.`,
  );

export const badRequest = (message: string): DataverseError =>
  new DataverseError(400, ErrorCodes.invalidArgument, message);
