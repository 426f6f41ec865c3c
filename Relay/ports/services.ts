/**
 * Every outside system the relay talks to, as an interface. Real clients (Relay/partnercenter,
 * Relay/dataverse), the SQLite store and the simulators' wire contracts all meet here; tests inject
 * fakes only where a real loopback simulator would not do.
 */
import type {
  AccessRight,
  DataverseRecord,
  Filter,
  ODataQuery,
  OrderBy,
  Referral,
  ReferralPatchOperation,
  StoredReferral,
} from '../../Domain';

export type { AccessRight, Filter, ODataQuery, OrderBy };

export interface Clock {
  now(): Date;
}

/** pino-compatible subset; never pass secrets or tokens. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type ServiceName = 'partnercenter' | 'dataverse' | 'relay';

/** The one error type of both API clients: status, request id and cause, secrets redacted. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly details: {
      service: ServiceName;
      status: number | null;
      method: string;
      /** URL without query secrets. */
      url: string;
      requestId?: string | null;
      /** Service error code (e.g. Dataverse `0x80072322`), when the body carried one. */
      code?: string | null;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.name = 'ApiError';
  }
  get status(): number | null {
    return this.details.status;
  }
}

// ---------------------------------------------------------------- Partner Center

/** Typed like Dataverse queries; the client builds the OData text (Domain/odataQuery.ts). */
export interface ReferralListQuery {
  filter?: Filter;
  orderBy?: OrderBy[];
  top?: number;
}

/** One page of the Referrals list. */
export interface ReferralPage {
  items: StoredReferral[];
  /** The page's @odata.nextLink (opaque: hand it back for the following page); null on the last page. */
  next: string | null;
}

export interface WebhookRegistration {
  subscriberId?: string;
  webhookUrl: string;
  webhookEvents: string[];
  signatureTokenToMsSignatureHeader?: boolean;
}

export interface ValidationEventStatus {
  correlationId: string;
  status: string;
  callbackUrl?: string;
  results: Array<{
    responseCode: number | null;
    responseMessage?: string;
    systemError?: string;
    dateTimeUtc: string;
  }>;
}

export interface CallOptions {
  /** Sent as MS-CorrelationId (a new GUID per call when absent). */
  correlationId?: string;
}

export interface PartnerCenterApi {
  createReferral(body: Referral, options?: CallOptions): Promise<StoredReferral>;
  getReferral(id: string, options?: CallOptions): Promise<StoredReferral>;
  /** Follows @odata.nextLink until `top` items or the end. */
  listReferrals(query: ReferralListQuery, options?: CallOptions): Promise<StoredReferral[]>;
  /**
   * One page of the list: the first for `query`, or the one `next` (a previous page's link) names.
   * For readers that stop part-way, e.g. at a watermark.
   */
  listReferralPage(
    query: ReferralListQuery,
    next?: string | null,
    options?: CallOptions,
  ): Promise<ReferralPage>;
  findByExternalReferenceId(
    externalReferenceId: string,
    options?: CallOptions,
  ): Promise<StoredReferral | null>;
  /** JSON Patch with Prefer: return=representation; `ifMatch` → 412 ApiError on mismatch. */
  patchReferral(
    id: string,
    operations: ReferralPatchOperation[],
    options?: CallOptions & { ifMatch?: string },
  ): Promise<StoredReferral>;
  getWebhookRegistration(options?: CallOptions): Promise<WebhookRegistration | null>;
  /** Create, or overwrite the tenant's one registration (PUT) when it exists. */
  putWebhookRegistration(
    registration: WebhookRegistration,
    options?: CallOptions,
  ): Promise<WebhookRegistration>;
  listWebhookEvents(options?: CallOptions): Promise<string[]>;
  sendValidationEvent(options?: CallOptions): Promise<{ correlationId: string }>;
  getValidationEvent(correlationId: string, options?: CallOptions): Promise<ValidationEventStatus>;
}

// ---------------------------------------------------------------- Dataverse

export interface WebApiRecord extends DataverseRecord {
  '@odata.etag'?: string;
}

export interface RetrieveOptions {
  /** Adds Prefer: odata.include-annotations="*" (formatted values, lookup names). */
  annotations?: boolean;
  maxPageSize?: number;
  /** Act on behalf of this Entra user (on-behalf-of token), for the /api permission checks. */
  userAssertion?: string;
}

/** WhoAmI: the caller's Dynamics 365 user, business unit and organization. */
export interface WhoAmIResponse {
  UserId: string;
  BusinessUnitId: string;
  OrganizationId: string;
}

/** One record, for RetrievePrincipalAccess. */
export interface RecordReference {
  entitySet: string;
  id: string;
}

export interface WriteOptions {
  ifMatch?: string;
  /** PATCH that must not create (If-Match: *). */
  updateOnly?: boolean;
  returnRepresentation?: boolean;
  /** MSCRM.SolutionUniqueName header: put created components into our unmanaged solution. */
  solutionUniqueName?: string;
}

/** One request in a $batch change set. `contentId` lets later requests reference `$<id>`. */
export type BatchOperation =
  | { method: 'POST'; entitySet: string; record: DataverseRecord; contentId?: string }
  | {
      method: 'PATCH';
      entitySet: string;
      id: string;
      record: DataverseRecord;
      ifMatch?: string;
      contentId?: string;
    }
  | { method: 'DELETE'; entitySet: string; id: string; contentId?: string };

export interface BatchResult {
  status: number;
  /** Id of the created/updated record (from OData-EntityId). */
  id?: string;
  etag?: string;
}

/**
 * One column of a table as the environment has it (EntityDefinitions/Attributes,
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api).
 */
export interface ColumnDefinition {
  logicalName: string;
  /** AttributeTypeName, e.g. `StringType`, `PicklistType`, `MultiSelectPicklistType`. */
  typeName: string;
  /** AttributeRequiredLevel: `None`, `Recommended`, `ApplicationRequired`, `SystemRequired`. */
  requiredLevel: string;
  /** Text and multiline text columns. */
  maxLength?: number;
  /** Choice and choices columns: the option values. */
  options?: number[];
}

/** One GET of a read $batch: the row `id` of the entity set, or (no id) the rows matching `query`. */
export type BatchRead =
  | { entitySet: string; id: string; query?: ODataQuery }
  | { entitySet: string; id?: undefined; query?: ODataQuery };

/** Its answer: the row, or null when it does not exist (404); the matching rows for a query. */
export type BatchReadResult = WebApiRecord | WebApiRecord[] | null;

export interface DataverseApi {
  /** One row by its GUID; `query` says which columns and related rows (e.g. Domain `opportunityQuery`). */
  retrieve(
    entitySet: string,
    id: string,
    query?: ODataQuery,
    options?: RetrieveOptions,
  ): Promise<WebApiRecord>;
  /** Every row matching `query` (all pages, or the first `top`). */
  retrieveMultiple(entitySet: string, query?: ODataQuery, options?: RetrieveOptions): Promise<WebApiRecord[]>;
  create(entitySet: string, record: DataverseRecord, options?: WriteOptions): Promise<string>;
  update(entitySet: string, id: string, record: DataverseRecord, options?: WriteOptions): Promise<void>;
  /** PATCH on a key; creates when missing. */
  upsert(entitySet: string, id: string, record: DataverseRecord, options?: WriteOptions): Promise<void>;
  delete(entitySet: string, id: string, options?: WriteOptions): Promise<void>;
  /**
   * Several reads in one `$batch` request (GETs outside any change set), answered in order: what a job
   * knows it will read costs one round-trip instead of one each.
   */
  retrieveBatch(reads: BatchRead[]): Promise<BatchReadResult[]>;
  /** One change set: all succeed or none. */
  executeBatch(operations: BatchOperation[]): Promise<BatchResult[]>;
  associate(
    entitySet: string,
    id: string,
    navigation: string,
    targetEntitySet: string,
    targetId: string,
  ): Promise<void>;
  disassociate(entitySet: string, id: string, navigation: string, targetId: string): Promise<void>;
  /** Current value of an environment variable (value row, else default), null when undefined. */
  getEnvironmentVariable(schemaName: string): Promise<string | null>;
  /** Unbound action (e.g. ImportSolution, WinOpportunity). */
  executeAction(name: string, parameters: Record<string, unknown>): Promise<unknown>;
  /** Action bound to one row (e.g. `leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead`); its JSON answer. */
  executeBoundAction(
    entitySet: string,
    id: string,
    name: string,
    parameters: Record<string, unknown>,
  ): Promise<unknown>;
  /** FormXml of the published opportunity main forms that carry our control. */
  getSystemForms(entity: string): Promise<Array<{ formid: string; name: string; formxml: string }>>;
  /** The columns of a table, or null when the environment has no such table. */
  getColumnDefinitions(table: string): Promise<ColumnDefinition[] | null>;
  /** Who the caller is (the user, with `userAssertion`). */
  whoAmI(options?: RetrieveOptions): Promise<WhoAmIResponse>;
  /**
   * What the user `userId` (systemuserid) may do with one record, as Dataverse's security model decides
   * (roles, depth, ownership, sharing): RetrievePrincipalAccess. 404 ApiError when the record is gone.
   */
  retrievePrincipalAccess(
    userId: string,
    target: RecordReference,
    options?: RetrieveOptions,
  ): Promise<AccessRight[]>;
}
