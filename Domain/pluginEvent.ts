/**
 * The normalized form of a Dataverse RemoteExecutionContext (webhook body), as produced by
 * `parseRemoteExecutionContext` and printed by `cosell parse-event`. Encodings handled: `{key,value}`
 * lists, `__type` annotations, `/Date(ms±hhmm)/` dates, EntityReference / OptionSetValue / Money /
 * OptionSetValueCollection / EntityCollection (see ../shared/reference/payloads/dataverse-webhook/).
 */

export interface EntityReferenceValue {
  logicalName: string;
  id: string;
  name: string | null;
}

/** Plain JSON value of one attribute: dates become ISO strings, Money/OptionSetValue numbers,
 *  multi-select choices number[], EntityCollection arrays of attribute maps. */
export type PlainValue =
  string | number | boolean | null | EntityReferenceValue | number[] | PlainAttributes[];

export type PlainAttributes = Record<string, PlainValue>;

export interface PluginEvent {
  message: string;
  entity: string;
  id: string;
  /** 10 pre-validation, 20 pre-operation, 30 main operation, 40 post-operation. */
  stage: number;
  mode: 'synchronous' | 'asynchronous';
  depth: number;
  initiatingUserId: string;
  userId: string;
  correlationId: string;
  operationId: string | null;
  requestId: string | null;
  organizationName: string | null;
  operationCreatedOn: string | null;
  /** The step that fired (OwningExtension). */
  stepId: string | null;
  stepName: string | null;
  /** Target attributes (for Update: only the changed columns); empty when the platform dropped them. */
  changedAttributes: PlainAttributes;
  preImages: Record<string, PlainAttributes>;
  postImages: Record<string, PlainAttributes>;
  /** Input parameters other than Target (e.g. Status, OpportunityClose), normalized the same way. */
  inputParameters: Record<string, PlainValue>;
  /** True when Dataverse dropped images and parameters because the body exceeded 256 KB. */
  sizeExceeded: boolean;
}

// ---- contract (implemented by the Foundation issue) ----

/** Normalize a RemoteExecutionContext body (already JSON-parsed; a leading BOM must be stripped
 *  before parsing). Throws ValidationError (./referral) naming the path of a malformed part. */
export declare function parseRemoteExecutionContext(body: unknown): PluginEvent;
