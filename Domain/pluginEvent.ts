/**
 * The normalized form of a Dataverse RemoteExecutionContext (webhook body), as produced by
 * `parseRemoteExecutionContext` and printed by `cosell parse-event`. Encodings handled: `{key,value}`
 * lists, `__type` annotations, `/Date(ms±hhmm)/` dates, EntityReference / OptionSetValue / Money /
 * OptionSetValueCollection / EntityCollection (docs/reference/dataverse-solution-format.md §5.2).
 */
import { normalizeGuid } from './ids';
import { jsonPath, ValidationError } from './referral';

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

// ---- parsing ----

type Path = (string | number)[];
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const fail = (path: Path, message: string): never => {
  throw new ValidationError(jsonPath(path), message);
};

/**
 * Maps keyed by names from the body (attribute, image alias, parameter) have no prototype: on a
 * plain object, assigning the key `__proto__` would replace the map's prototype instead of adding
 * an attribute, and a lookup of `constructor` would find Object's.
 */
const emptyMap = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** Record ids end up in Web API URLs and job keys: only a GUID passes, in its bare lower-case form. */
const guidAt = (value: unknown, path: Path): string => normalizeGuid(value) ?? fail(path, 'expected a GUID');

/** `"Money:http://schemas.microsoft.com/xrm/2011/Contracts"` → `Money` (escaped or not, JSON.parse
 *  has already turned `\/` into `/`). */
const typeName = (v: Json): string | null => (typeof v.__type === 'string' ? v.__type.split(':')[0]! : null);

/**
 * .NET DataContractJsonSerializer date: `/Date(ms)/` or `/Date(ms±hhmm)/`. Without a suffix the
 * milliseconds are UTC. With one (only `OperationCreatedOn` has it), the platform serialized a UTC
 * clock value of unspecified kind as if it were server-local time, so the milliseconds are off by the
 * offset: all three reference captures agree once it is added back (-0700, +0000 and +0300 samples
 * put the operation within a second after the Target's `modifiedon`).
 */
const DOTNET_DATE = /^\/Date\((-?\d+)(?:([+-])(\d{2})(\d{2}))?\)\/$/;
export function dotNetDateToIso(value: string): string | null {
  const match = DOTNET_DATE.exec(value);
  if (!match) return null;
  const [, ms, sign, hh, mm] = match;
  const offsetMs = sign ? (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000 : 0;
  return new Date(Number(ms) + offsetMs).toISOString();
}

/** `[{key, value}, …]` → entries, checking the shape (every collection in the body is such a list). */
function keyValueList(value: unknown, path: Path): [string, unknown, Path][] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail(path, 'expected a list of {key, value} pairs');
  return value.map((item, i): [string, unknown, Path] => {
    if (!isObject(item) || typeof item.key !== 'string')
      return fail([...path, i, 'key'], 'expected a string key');
    return [item.key, item.value, [...path, i, 'value']];
  });
}

function attributesOf(entity: unknown, path: Path): PlainAttributes {
  if (!isObject(entity)) return fail(path, 'expected an Entity');
  const out = emptyMap<PlainValue>();
  for (const [key, value, at] of keyValueList(entity.Attributes, [...path, 'Attributes']))
    out[key] = plain(value, at);
  return out;
}

/** One attribute or parameter value → its plain JSON form. */
function plain(value: unknown, path: Path): PlainValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return dotNetDateToIso(value) ?? value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    // Multi-select choice: an array of OptionSetValue objects → number[].
    if (value.length > 0 && value.every((v) => isObject(v) && typeName(v) === 'OptionSetValue')) {
      return value.map((v, i) => plain(v, [...path, i]) as number);
    }
    return value.map((v, i) => plain(v, [...path, i])) as PlainValue;
  }
  if (!isObject(value)) return fail(path, 'unsupported value');
  switch (typeName(value)) {
    case 'EntityReference':
      if (typeof value.LogicalName !== 'string' || typeof value.Id !== 'string') {
        return fail(path, 'EntityReference needs LogicalName and Id');
      }
      return {
        logicalName: value.LogicalName,
        id: guidAt(value.Id, [...path, 'Id']),
        name: typeof value.Name === 'string' ? value.Name : null,
      };
    case 'OptionSetValue':
    case 'Money':
      if (typeof value.Value !== 'number') return fail([...path, 'Value'], 'expected a number');
      return value.Value;
    case 'OptionSetValueCollection':
      return plain(value.Values ?? [], [...path, 'Values']);
    case 'EntityCollection':
      if (!Array.isArray(value.Entities)) return fail([...path, 'Entities'], 'expected an array of entities');
      return value.Entities.map((e, i) => attributesOf(e, [...path, 'Entities', i]));
    case 'Entity':
      return attributesOf(value, path) as unknown as PlainValue;
    default:
      // Other typed values (AliasedValue, BooleanManagedProperty, …) carry the payload in `Value`;
      // images without __type are entities.
      if ('Value' in value) return plain(value.Value, [...path, 'Value']);
      if ('Attributes' in value) return attributesOf(value, path) as unknown as PlainValue;
      return fail(path, `unsupported value type ${typeName(value) ?? '(no __type)'}`);
  }
}

function required<T extends 'string' | 'number'>(
  body: Json,
  key: string,
  type: T,
): T extends 'string' ? string : number {
  const value = body[key];
  if (typeof value !== type) fail([key], `expected a ${type}`);
  return value as T extends 'string' ? string : number;
}

function optionalString(body: Json, key: string): string | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return fail([key], 'expected a string or null');
  return value;
}

function images(body: Json, key: string): Record<string, PlainAttributes> {
  const out = emptyMap<PlainAttributes>();
  for (const [alias, entity, at] of keyValueList(body[key], [key])) out[alias] = attributesOf(entity, at);
  return out;
}

/** Normalize a RemoteExecutionContext body (already JSON-parsed; a leading BOM must be stripped
 *  before parsing). Throws ValidationError (./referral) naming the path of a malformed part. */
export function parseRemoteExecutionContext(body: unknown): PluginEvent {
  if (!isObject(body)) return fail([], 'expected a RemoteExecutionContext object');
  const mode = required(body, 'Mode', 'number');
  if (mode !== 0 && mode !== 1) fail(['Mode'], 'expected 0 (synchronous) or 1 (asynchronous)');
  const created = optionalString(body, 'OperationCreatedOn');
  const step = body.OwningExtension;
  if (step !== undefined && step !== null && !isObject(step))
    fail(['OwningExtension'], 'expected an EntityReference');

  // Over 256 KB Dataverse drops InputParameters, images and ParentContext: the event still tells us
  // which record changed, and the handler must re-read it.
  const sizeExceeded = body.InputParameters === undefined || body.InputParameters === null;
  let changedAttributes: PlainAttributes = {};
  const inputParameters = emptyMap<PlainValue>();
  for (const [key, value, at] of keyValueList(body.InputParameters, ['InputParameters'])) {
    if (key === 'Target' && isObject(value) && (typeName(value) === 'Entity' || 'Attributes' in value)) {
      changedAttributes = attributesOf(value, at);
    } else {
      inputParameters[key] = plain(value, at);
    }
  }
  return {
    message: required(body, 'MessageName', 'string'),
    entity: required(body, 'PrimaryEntityName', 'string'),
    id: guidAt(required(body, 'PrimaryEntityId', 'string'), ['PrimaryEntityId']),
    stage: required(body, 'Stage', 'number'),
    mode: mode === 0 ? 'synchronous' : 'asynchronous',
    depth: required(body, 'Depth', 'number'),
    initiatingUserId: required(body, 'InitiatingUserId', 'string'),
    userId: required(body, 'UserId', 'string'),
    correlationId: required(body, 'CorrelationId', 'string'),
    operationId: optionalString(body, 'OperationId'),
    requestId: optionalString(body, 'RequestId'),
    organizationName: optionalString(body, 'OrganizationName'),
    operationCreatedOn: created === null ? null : (dotNetDateToIso(created) ?? created),
    stepId: isObject(step) && typeof step.Id === 'string' ? step.Id : null,
    stepName: isObject(step) && typeof step.Name === 'string' ? step.Name : null,
    changedAttributes,
    preImages: images(body, 'PreEntityImages'),
    postImages: images(body, 'PostEntityImages'),
    inputParameters,
    sizeExceeded,
  };
}
