/**
 * Attribute metadata as the Web API returns it (EntityDefinitions(...)/Attributes, with option sets
 * expanded), reduced to what a form needs, and the conversions between Web API JSON values and the
 * values Xrm attributes hold (lookups as arrays of references, dates as Date objects).
 */
import type { DataverseRecord } from '../../../../Domain/opportunity';
import type { Labels } from './formXml';

export type XrmAttributeType =
  | 'boolean'
  | 'datetime'
  | 'decimal'
  | 'double'
  | 'integer'
  | 'lookup'
  | 'memo'
  | 'money'
  | 'multiselectoptionset'
  | 'optionset'
  | 'string';

export interface OptionMeta {
  value: number;
  labels: Labels;
}

export interface AttributeMeta {
  logicalName: string;
  type: XrmAttributeType;
  displayName: Labels;
  /** Choice options; Yes/No columns carry [false, true] as values 0 and 1. */
  options: OptionMeta[];
  /** Lookup targets (table logical names). */
  targets: string[];
  /** `DateOnly` / `DateAndTime` for dates, `Url` / `Email` / `TextArea` for text. */
  format?: string;
  requiredLevel: 'none' | 'required' | 'recommended';
  maxLength?: number;
}

export interface LookupReference {
  id: string;
  name?: string;
  entityType: string;
}

export type XrmValue = string | number | boolean | Date | LookupReference[] | number[] | null;

type Json = Record<string, unknown>;

function labelsOf(label: unknown): Labels {
  const labels: Labels = {};
  const localized = (label as Json | undefined)?.LocalizedLabels;
  for (const entry of Array.isArray(localized) ? (localized as Json[]) : []) {
    labels[Number(entry.LanguageCode)] = String(entry.Label ?? '');
  }
  return labels;
}

/** AttributeType (Web API enum names) → the Xrm attribute type. */
const TYPE_MAP: Record<string, XrmAttributeType> = {
  Boolean: 'boolean',
  DateTime: 'datetime',
  Decimal: 'decimal',
  Double: 'double',
  Integer: 'integer',
  BigInt: 'integer',
  Lookup: 'lookup',
  Customer: 'lookup',
  Owner: 'lookup',
  Memo: 'memo',
  Money: 'money',
  Picklist: 'optionset',
  State: 'optionset',
  Status: 'optionset',
  String: 'string',
  Uniqueidentifier: 'string',
  Virtual: 'multiselectoptionset',
};

const REQUIRED: Record<string, AttributeMeta['requiredLevel']> = {
  None: 'none',
  SystemRequired: 'required',
  ApplicationRequired: 'required',
  Recommended: 'recommended',
};

export function parseAttributeMetadata(attribute: Json): AttributeMeta {
  const attributeType = String(attribute.AttributeType ?? 'String');
  const typeName = String((attribute.AttributeTypeName as Json | undefined)?.Value ?? '');
  const type: XrmAttributeType =
    typeName === 'MultiSelectPicklistType' ? 'multiselectoptionset' : (TYPE_MAP[attributeType] ?? 'string');
  const optionSet = (attribute.OptionSet ?? attribute.GlobalOptionSet) as Json | undefined;
  let options: OptionMeta[] = [];
  if (type === 'boolean' && !optionSet?.TrueOption && !Array.isArray(optionSet?.Options)) {
    // Metadata without the Yes/No option set (some simulators): the platform's default labels.
    options = [
      { value: 0, labels: { 1033: 'No', 1046: 'Não', 3082: 'No' } },
      { value: 1, labels: { 1033: 'Yes', 1046: 'Sim', 3082: 'Sí' } },
    ];
  } else if (type === 'boolean' && optionSet?.TrueOption) {
    options = [
      { value: 0, labels: labelsOf((optionSet.FalseOption as Json | undefined)?.Label) },
      { value: 1, labels: labelsOf((optionSet.TrueOption as Json | undefined)?.Label) },
    ];
  } else if (Array.isArray(optionSet?.Options)) {
    options = (optionSet.Options as Json[]).map((option) => ({
      value: Number(option.Value),
      labels: labelsOf(option.Label),
    }));
  }
  const formatName = (attribute.FormatName as Json | undefined)?.Value;
  const behavior = (attribute.DateTimeBehavior as Json | undefined)?.Value;
  const format = attribute.Format ?? formatName ?? behavior;
  return {
    logicalName: String(attribute.LogicalName),
    type,
    displayName: labelsOf(attribute.DisplayName),
    options,
    targets: Array.isArray(attribute.Targets) ? (attribute.Targets as string[]) : [],
    format: typeof format === 'string' ? format : undefined,
    requiredLevel: REQUIRED[String((attribute.RequiredLevel as Json | undefined)?.Value ?? 'None')] ?? 'none',
    maxLength: typeof attribute.MaxLength === 'number' ? attribute.MaxLength : undefined,
  };
}

/** `pcs_opportunityid` → `_pcs_opportunityid_value`: how the Web API returns a lookup column. */
export const lookupValueKey = (column: string): string => `_${column}_value`;

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
const LOOKUP_TABLE = '@Microsoft.Dynamics.CRM.lookuplogicalname';

/** Web API JSON value of one column → the value the Xrm attribute holds. */
export function toXrmValue(record: DataverseRecord, meta: AttributeMeta): XrmValue {
  if (meta.type === 'lookup') {
    const key = lookupValueKey(meta.logicalName);
    const id = record[key];
    if (typeof id !== 'string' || id === '') return null;
    const entityType = String(record[`${key}${LOOKUP_TABLE}`] ?? meta.targets[0] ?? '');
    const name = record[`${key}${FORMATTED}`];
    return [{ id, name: typeof name === 'string' ? name : undefined, entityType }];
  }
  const raw = record[meta.logicalName];
  if (raw === undefined || raw === null || raw === '') return null;
  switch (meta.type) {
    case 'datetime':
      return new Date(String(raw));
    case 'multiselectoptionset':
      return String(raw)
        .split(',')
        .map((part) => Number(part.trim()));
    case 'boolean':
      return raw === true || raw === 'true' || raw === 1;
    case 'optionset':
    case 'integer':
    case 'decimal':
    case 'double':
    case 'money':
      return Number(raw);
    default:
      return String(raw);
  }
}

/** Yyyy-mm-dd in UTC: what a DateOnly column stores. */
const dateOnly = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * The Web API body fragment that writes one Xrm value: lookups bind by navigation property
 * (`<nav>@odata.bind`, here the lookup's logical name, which is how our solution and the standard
 * opportunity lookups name them), multi-select choices as comma-separated text.
 */
export function toWebApiFields(
  meta: AttributeMeta,
  value: XrmValue,
  entitySetOf: (table: string) => string,
): Record<string, unknown> {
  if (meta.type === 'lookup') {
    const reference = Array.isArray(value) ? (value[0] as LookupReference | undefined) : undefined;
    const bind = `${meta.logicalName}@odata.bind`;
    if (!reference) return { [bind]: null };
    return { [bind]: `/${entitySetOf(reference.entityType)}(${reference.id.replace(/[{}]/g, '')})` };
  }
  if (value instanceof Date) {
    return { [meta.logicalName]: meta.format === 'DateOnly' ? dateOnly(value) : value.toISOString() };
  }
  if (meta.type === 'multiselectoptionset') {
    return { [meta.logicalName]: Array.isArray(value) && value.length ? value.join(',') : null };
  }
  return { [meta.logicalName]: value };
}

/** Text of an option value in the user's language. */
export function optionText(meta: AttributeMeta, value: number, lcid: number): string | undefined {
  const option = meta.options.find((candidate) => candidate.value === value);
  if (!option) return undefined;
  return option.labels[lcid] ?? option.labels[1033] ?? Object.values(option.labels)[0];
}
