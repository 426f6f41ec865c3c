/**
 * Reading a table's columns from the Web API metadata
 * (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api).
 * `EntityDefinitions(LogicalName='…')/Attributes` selects only base AttributeMetadata properties; a
 * type's own properties (MaxLength) and its option set come from a cast to that type, and the option
 * set has to be expanded (a local one is `OptionSet`, a global one `GlobalOptionSet`).
 */
import type { ODataQuery } from '../../Domain/odataQuery';
import type { ColumnDefinition, WebApiRecord } from '../ports';

export interface ColumnMetadataRequest {
  /** Relative to the Web API root. */
  path: string;
  query: ODataQuery;
}

const CAST = 'Microsoft.Dynamics.CRM.';
const WITH_MAX_LENGTH = ['StringAttributeMetadata', 'MemoAttributeMetadata'];
const WITH_OPTIONS = ['PicklistAttributeMetadata', 'MultiSelectPicklistAttributeMetadata'];
const OPTIONS: ODataQuery = { select: ['Options'] };

/** A logical name is lower-case letters, digits and underscores; anything else would change the URL. */
function attributesPath(table: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(table)) throw new Error(`'${table}' is not a table logical name`);
  return `EntityDefinitions(LogicalName='${table}')/Attributes`;
}

/** The base request first (its 404 means "no such table"), then the casts. */
export function columnMetadataRequests(table: string): ColumnMetadataRequest[] {
  const attributes = attributesPath(table);
  return [
    { path: attributes, query: { select: ['LogicalName', 'AttributeTypeName', 'RequiredLevel'] } },
    ...WITH_MAX_LENGTH.map((type) => ({
      path: `${attributes}/${CAST}${type}`,
      query: { select: ['LogicalName', 'MaxLength'] },
    })),
    ...WITH_OPTIONS.map((type) => ({
      path: `${attributes}/${CAST}${type}`,
      query: {
        select: ['LogicalName'],
        expand: [
          { navigation: 'OptionSet', ...OPTIONS },
          { navigation: 'GlobalOptionSet', ...OPTIONS },
        ],
      },
    })),
  ];
}

const managedValue = (property: unknown): string =>
  property && typeof property === 'object' ? String((property as { Value?: unknown }).Value ?? '') : '';

function optionValues(row: WebApiRecord): number[] | undefined {
  const set = (row.OptionSet ?? row.GlobalOptionSet) as { Options?: Array<{ Value?: unknown }> } | null;
  return set?.Options?.map((o) => Number(o.Value)).sort((a, b) => a - b);
}

/** The answers to `columnMetadataRequests`, in the same order, as column definitions. */
export function parseColumnDefinitions(answers: WebApiRecord[][]): ColumnDefinition[] {
  const [base = [], ...casts] = answers;
  const columns = new Map<string, ColumnDefinition>(
    base.map((row) => [
      String(row.LogicalName),
      {
        logicalName: String(row.LogicalName),
        typeName: managedValue(row.AttributeTypeName),
        requiredLevel: managedValue(row.RequiredLevel),
      },
    ]),
  );
  for (const row of casts.flat()) {
    const column = columns.get(String(row.LogicalName));
    if (!column) continue;
    if (typeof row.MaxLength === 'number') column.maxLength = row.MaxLength;
    const options = optionValues(row);
    if (options) column.options = options;
  }
  return [...columns.values()];
}
