/**
 * Conversions between the Web API JSON shape of a row and the stored Row: body → Row (type checks,
 * `@odata.bind` by navigation name, choice ranges) and Row → JSON (`_x_value` lookups, `@odata.etag`,
 * formatted-value / lookup annotations when `Prefer: odata.include-annotations` asks for them).
 */
import { isGuid } from '../../../Domain/ids';
import { badProperty, badRequest, DataverseError, ErrorCodes } from './errors';
import type { AttributeDef, MetadataStore, TableDef } from './metadata';
import { isLookupValue } from './store';
import type { LookupValue, Row } from './store';

const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
const LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';
const ASSOCIATED_NAVIGATION = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

/** `/accounts(<id>)`, `accounts(<id>)` or an absolute URL ending in it. */
export function parseEntityReference(metadata: MetadataStore, reference: string): LookupValue {
  const match = /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\(([0-9a-fA-F-]{36})\)$/.exec(reference.trim());
  const table = match ? metadata.tableByEntitySet(match[1]!) : undefined;
  if (!match || !table) throw badRequest(`Invalid entity reference '${reference}'`);
  return { id: match[2]!.toLowerCase(), logicalName: table.logicalName };
}

function convert(table: TableDef, attribute: AttributeDef, value: unknown): unknown {
  if (value === null) return null;
  const wrongType = (): DataverseError =>
    badRequest(
      `Cannot convert the literal '${String(value)}' to the expected type of ${table.logicalName}.${attribute.logicalName} (${attribute.type}).`,
    );
  switch (attribute.type) {
    case 'nvarchar':
    case 'ntext':
      if (typeof value !== 'string') throw wrongType();
      if (attribute.maxLength && value.length > attribute.maxLength)
        throw badRequest(
          `A value for ${attribute.logicalName} exceeds its maximum length of ${attribute.maxLength}.`,
        );
      return value;
    case 'uniqueidentifier':
    case 'primarykey':
      if (typeof value !== 'string' || !isGuid(value)) throw wrongType();
      return value.toLowerCase();
    case 'int':
    case 'bigint':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType();
      return value;
    case 'decimal':
    case 'float':
    case 'money':
      if (typeof value !== 'number') throw wrongType();
      return value;
    case 'bit':
      if (typeof value !== 'boolean') throw wrongType();
      return value;
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw wrongType();
      return value;
    case 'picklist':
    case 'state':
    case 'status':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType();
      checkOption(table, attribute, value);
      return value;
    case 'multiselectpicklist': {
      // Web API encoding: a string of comma-separated integers ("1,9").
      if (typeof value !== 'string') throw wrongType();
      const values = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(Number);
      for (const v of values) checkOption(table, attribute, v);
      return values;
    }
    default:
      throw wrongType();
  }
}

function checkOption(table: TableDef, attribute: AttributeDef, value: number): void {
  if (attribute.options && !attribute.options.some((o) => o.value === value))
    throw new DataverseError(
      400,
      ErrorCodes.optionOutOfRange,
      `A validation error occurred. The value ${value} of '${attribute.logicalName}' on record of type '${table.logicalName}' is outside the valid range.`,
    );
}

/** JSON request body → stored columns. `@odata.bind` uses single-valued navigation names. */
export function bodyToRow(metadata: MetadataStore, table: TableDef, body: Record<string, unknown>): Row {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The request body must be a JSON object');
  const row: Row = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.endsWith('@odata.bind')) {
      const navigationName = key.slice(0, -'@odata.bind'.length);
      const navigation = metadata.navigation(table.logicalName, navigationName);
      if (!navigation || navigation.kind !== 'single') throw badProperty(table.logicalName, navigationName);
      if (value === null) {
        row[navigation.relationship.referencingAttribute] = null;
        continue;
      }
      if (typeof value !== 'string') throw badRequest(`${key} must be a string`);
      const reference = parseEntityReference(metadata, value);
      if (reference.logicalName !== navigation.target)
        throw badRequest(`${key} must reference a ${navigation.target}, not a ${reference.logicalName}`);
      row[navigation.relationship.referencingAttribute] = reference;
      continue;
    }
    if (key.startsWith('@') || key.includes('@')) continue; // instance annotations
    const attribute = table.attributes[key];
    if (!attribute || attribute.type === 'virtual') {
      throw new DataverseError(
        400,
        ErrorCodes.invalidProperty,
        `The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.${table.logicalName}'. Make sure to only use property names that are defined by the type.`,
      );
    }
    if (['lookup', 'owner', 'customer'].includes(attribute.type))
      throw badRequest(`Lookup ${key} must be set with '<navigation>@odata.bind'.`);
    row[key] = convert(table, attribute, value);
  }
  return row;
}

export interface FormatOptions {
  annotations: boolean;
  select?: string[];
}

/** The name shown for a lookup (the target row's primary name). */
export type NameResolver = (reference: LookupValue) => string | null;

function formatted(attribute: AttributeDef, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (attribute.type) {
    case 'picklist':
    case 'state':
    case 'status':
      return attribute.options?.find((o) => o.value === value)?.label ?? String(value);
    case 'multiselectpicklist':
      return (value as number[])
        .map((v) => attribute.options?.find((o) => o.value === v)?.label ?? String(v))
        .join('; ');
    case 'bit':
      return value ? 'Yes' : 'No';
    case 'money':
      return `$${(value as number).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    case 'int':
    case 'bigint':
    case 'decimal':
    case 'float':
      return (value as number).toLocaleString('en-US');
    case 'datetime':
      return new Date(value as string).toLocaleString('en-US', { timeZone: 'UTC' });
    default:
      return null;
  }
}

/** Web API property name of a column (`_x_value` for lookups). */
export const wireName = (attribute: AttributeDef): string =>
  ['lookup', 'owner', 'customer'].includes(attribute.type)
    ? `_${attribute.logicalName}_value`
    : attribute.logicalName;

/** Map a `$select` / `$filter` / `$orderby` name back to the column. */
export function attributeByWireName(table: TableDef, name: string): AttributeDef | undefined {
  const lookup = /^_(.+)_value$/.exec(name);
  if (lookup) {
    const attribute = table.attributes[lookup[1]!];
    return attribute && ['lookup', 'owner', 'customer'].includes(attribute.type) ? attribute : undefined;
  }
  const attribute = table.attributes[name];
  return attribute && !['lookup', 'owner', 'customer'].includes(attribute.type) ? attribute : undefined;
}

/** Web API value of a column: lookups become the GUID, multi-select choices "1,2". */
export function wireValue(attribute: AttributeDef, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (isLookupValue(value)) return value.id;
  if (attribute.type === 'multiselectpicklist') return (value as number[]).join(',');
  return value;
}

/** Stored row → Web API JSON (no @odata.context; the caller adds it). */
export function rowToJson(
  metadata: MetadataStore,
  table: TableDef,
  row: Row,
  options: FormatOptions,
  nameOf: NameResolver,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (row.versionnumber !== undefined) out['@odata.etag'] = `W/"${String(row.versionnumber)}"`;
  const selected = options.select
    ? options.select.map((name) => {
        const attribute = attributeByWireName(table, name) ?? table.attributes[name];
        if (!attribute) throw badProperty(table.logicalName, name);
        return attribute;
      })
    : Object.values(table.attributes);
  const includePrimaryKey = !selected.some((a) => a.logicalName === table.primaryIdAttribute);
  const attributes = includePrimaryKey
    ? [...selected, table.attributes[table.primaryIdAttribute]!]
    : selected;
  for (const attribute of attributes) {
    if (attribute.readable === false || attribute.type === 'virtual') continue;
    const value = row[attribute.logicalName] ?? null;
    const name = wireName(attribute);
    if (options.annotations && value !== null) {
      if (isLookupValue(value)) {
        out[`${name}@${FORMATTED}`] = nameOf(value);
        const relationship = metadata
          .navigations(table.logicalName)
          .find(
            (n) =>
              n.kind === 'single' &&
              n.relationship.referencingAttribute === attribute.logicalName &&
              n.target === value.logicalName,
          );
        if (relationship) out[`${name}@${ASSOCIATED_NAVIGATION}`] = relationship.name;
        out[`${name}@${LOOKUP_LOGICAL_NAME}`] = value.logicalName;
      } else {
        const text = formatted(attribute, value);
        if (text !== null) out[`${name}@${FORMATTED}`] = text;
      }
    }
    out[name] = wireValue(attribute, value);
  }
  return out;
}
