/**
 * Encodes a RemoteExecutionContext exactly like Dataverse's DataContractJsonSerializer does (docs/reference/dataverse-solution-format.md §5.2;
 * real captures in tests/fixtures/payloads/dataverse-webhook/): PascalCase members in alphabetical order,
 * `__type` first on typed values, every dictionary as `[{ key, value }]`, dates as `/Date(ms)/`,
 * lookups as EntityReference, choices as OptionSetValue, currency as Money, multi-select choices as
 * an array of OptionSetValue.
 */
import type { AttributeDef, TableDef } from './metadata';
import { isLookupValue } from './store';
import type { LookupValue, Row } from './store';

const CONTRACTS = 'http://schemas.microsoft.com/xrm/2011/Contracts';
export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export type KeyValue = { key: string; value: unknown };

export const dateLiteral = (date: Date | string): string =>
  `/Date(${(typeof date === 'string' ? new Date(date) : date).getTime()})/`;

export function entityReference(ref: LookupValue, name: string | null = null): Record<string, unknown> {
  return {
    __type: `EntityReference:${CONTRACTS}`,
    Id: ref.id,
    KeyAttributes: [],
    LogicalName: ref.logicalName,
    Name: name,
    RowVersion: null,
  };
}

export const optionSetValue = (value: number): Record<string, unknown> => ({
  __type: `OptionSetValue:${CONTRACTS}`,
  Value: value,
});

export function encodeValue(attribute: AttributeDef | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isLookupValue(value)) return entityReference(value);
  switch (attribute?.type) {
    case 'picklist':
    case 'state':
    case 'status':
      return optionSetValue(value as number);
    case 'multiselectpicklist':
      return (value as number[]).map(optionSetValue);
    case 'money':
      return { __type: `Money:${CONTRACTS}`, Value: value };
    case 'datetime':
      return dateLiteral(value as string);
    default:
      return value;
  }
}

function formattedValue(attribute: AttributeDef | undefined, value: unknown): string | null {
  if (value === null || value === undefined || !attribute) return null;
  switch (attribute.type) {
    case 'picklist':
    case 'state':
    case 'status':
      return attribute.options?.find((o) => o.value === value)?.label ?? null;
    case 'multiselectpicklist':
      return (value as number[])
        .map((v) => attribute.options?.find((o) => o.value === v)?.label ?? String(v))
        .join('; ');
    case 'bit':
      return value ? 'Yes' : 'No';
    case 'datetime':
      return new Date(value as string).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    default:
      return null;
  }
}

/** An Entity: `typed` adds the `__type` annotation (InputParameters do; images do not). */
export function encodeEntity(
  table: TableDef,
  id: string,
  row: Row,
  columns: string[] | null,
  typed: boolean,
): Record<string, unknown> {
  const names = columns ?? Object.keys(row);
  const attributes: KeyValue[] = [];
  const formatted: KeyValue[] = [];
  for (const name of names) {
    if (!(name in row)) continue;
    const attribute = table.attributes[name];
    attributes.push({ key: name, value: encodeValue(attribute, row[name]) });
    const text = formattedValue(attribute, row[name]);
    if (text !== null) formatted.push({ key: name, value: text });
  }
  const entity: Record<string, unknown> = typed ? { __type: `Entity:${CONTRACTS}` } : {};
  return Object.assign(entity, {
    Attributes: attributes,
    EntityState: null,
    FormattedValues: formatted,
    Id: id,
    KeyAttributes: [],
    LogicalName: table.logicalName,
    RelatedEntities: [],
    RowVersion: null,
  });
}

export interface ContextInput {
  messageName: string;
  stage: number;
  mode: 0 | 1;
  depth: number;
  primaryEntityName: string;
  primaryEntityId: string;
  inputParameters: KeyValue[];
  outputParameters: KeyValue[];
  preEntityImages: KeyValue[];
  postEntityImages: KeyValue[];
  sharedVariables: KeyValue[];
  initiatingUserId: string;
  initiatingUserAadObjectId: string | null;
  userId: string;
  userAadObjectId: string | null;
  businessUnitId: string;
  organizationId: string;
  organizationName: string;
  correlationId: string;
  operationId: string;
  requestId: string | null;
  operationCreatedOn: Date;
  owningExtension: { id: string; name: string | null };
  isInTransaction: boolean;
  parentContext: Record<string, unknown> | null;
}

/** Members in the serializer's (alphabetical) order. */
export function buildRemoteExecutionContext(input: ContextInput): Record<string, unknown> {
  return {
    BusinessUnitId: input.businessUnitId,
    CorrelationId: input.correlationId,
    Depth: input.depth,
    InitiatingUserAzureActiveDirectoryObjectId: input.initiatingUserAadObjectId ?? ZERO_GUID,
    InitiatingUserId: input.initiatingUserId,
    InputParameters: input.inputParameters,
    IsExecutingOffline: false,
    IsInTransaction: input.isInTransaction,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: input.messageName,
    Mode: input.mode,
    OperationCreatedOn: dateLiteral(input.operationCreatedOn),
    OperationId: input.operationId,
    OrganizationId: input.organizationId,
    OrganizationName: input.organizationName,
    OutputParameters: input.outputParameters,
    OwningExtension: {
      Id: input.owningExtension.id,
      KeyAttributes: [],
      LogicalName: 'sdkmessageprocessingstep',
      Name: input.owningExtension.name,
      RowVersion: null,
    },
    ParentContext: input.parentContext,
    PostEntityImages: input.postEntityImages,
    PreEntityImages: input.preEntityImages,
    PrimaryEntityId: input.primaryEntityId,
    PrimaryEntityName: input.primaryEntityName,
    RequestId: input.requestId,
    SecondaryEntityName: 'none',
    SharedVariables: input.sharedVariables,
    Stage: input.stage,
    UserAzureActiveDirectoryObjectId: input.userAadObjectId ?? ZERO_GUID,
    UserId: input.userId,
  };
}

/** Over 256 KB the platform drops these members and sets `x-ms-dynamics-msg-size-exceeded`. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;
export function truncateContext(context: Record<string, unknown>): Record<string, unknown> {
  const {
    InputParameters: _inputs,
    ParentContext: _parent,
    PostEntityImages: _post,
    PreEntityImages: _pre,
    ...rest
  } = context;
  return rest;
}
