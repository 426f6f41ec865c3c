/**
 * The column (attribute) changes an upgrade brings: the columns of the new package's
 * customizations.xml against the columns the environment has now.
 *
 * The installed side is read from the Web API metadata (EntityDefinitions/Attributes), not from an
 * export of the installed version: a managed solution cannot be exported
 * (https://learn.microsoft.com/power-apps/maker/data-platform/export-solutions), and the metadata is
 * what the environment really has. Only our columns (publisher prefix) are compared: a table shell
 * such as `opportunity` lists only ours, and the platform's and other solutions' columns are never
 * deleted by our upgrade.
 *
 * customizations.xml names a column's type in its own vocabulary (`nvarchar`, `picklist`); the Web
 * API uses AttributeTypeName (`StringType`, `PicklistType`) and AttributeRequiredLevel
 * (`ApplicationRequired`). Both sides are compared in the Web API's words.
 */
import { XMLParser } from 'fast-xml-parser';
import { PUBLISHER } from '../../Domain/constants';
import type { PlanItem } from '../../Plugins/registration';
import type { ColumnDefinition, DataverseApi } from '../ports';

/** One table of the package with its columns. */
export interface PackageTable {
  table: string;
  columns: ColumnDefinition[];
}

/** customizations.xml `<Type>` → AttributeTypeName (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/attributetypedisplayname). */
const TYPE_NAMES: Record<string, string> = {
  primarykey: 'UniqueidentifierType',
  uniqueidentifier: 'UniqueidentifierType',
  nvarchar: 'StringType',
  ntext: 'MemoType',
  int: 'IntegerType',
  bigint: 'BigIntType',
  decimal: 'DecimalType',
  float: 'DoubleType',
  money: 'MoneyType',
  bit: 'BooleanType',
  datetime: 'DateTimeType',
  picklist: 'PicklistType',
  multiselectpicklist: 'MultiSelectPicklistType',
  state: 'StateType',
  status: 'StatusType',
  lookup: 'LookupType',
  owner: 'OwnerType',
  customer: 'CustomerType',
  virtual: 'VirtualType',
};

/** customizations.xml `<RequiredLevel>` → AttributeRequiredLevel (https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.metadata.attributerequiredlevel). */
const REQUIRED_LEVELS: Record<string, string> = {
  none: 'None',
  recommended: 'Recommended',
  required: 'ApplicationRequired',
  systemrequired: 'SystemRequired',
};

const TEXT_TYPES = new Set(['nvarchar', 'ntext']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  isArray: (name) => ['Entity', 'attribute', 'option', 'optionset'].includes(name),
});
export type Xml = Record<string, unknown>;
/** fast-xml-parser gives an element as an object, a lone one where a list was expected, or nothing. */
export const node = (value: unknown): Xml => (value && typeof value === 'object' ? (value as Xml) : {});
export const list = (value: unknown): Xml[] =>
  Array.isArray(value) ? value.map(node) : value ? [node(value)] : [];
const text = (value: unknown): string =>
  value && typeof value === 'object' ? String(node(value)['#text'] ?? '') : String(value ?? '');

const optionValues = (optionset: Xml): number[] =>
  list(node(optionset.options).option)
    .map((o) => Number(o.value))
    .sort((a, b) => a - b);

/** The tables and columns of a package's customizations.xml. */
export function packageColumns(customizationsXml: string): PackageTable[] {
  const root = node(node(parser.parse(customizationsXml.replace(/^\uFEFF/, ''))).ImportExportXml);
  const globalOptionSets = new Map(
    list(node(root.optionsets).optionset).map((o) => [String(o.Name).toLowerCase(), optionValues(o)]),
  );
  return list(node(root.Entities).Entity).map((entity) => {
    const attributes = list(node(node(node(entity.EntityInfo).entity).attributes).attribute);
    return {
      table: text(entity.Name).toLowerCase(),
      columns: attributes.map((a) => {
        const type = text(a.Type).toLowerCase();
        const column: ColumnDefinition = {
          logicalName: text(a.LogicalName || a.Name).toLowerCase(),
          typeName: TYPE_NAMES[type] ?? type,
          requiredLevel: REQUIRED_LEVELS[text(a.RequiredLevel).toLowerCase()] ?? 'None',
        };
        if (TEXT_TYPES.has(type) && a.MaxLength !== undefined) column.maxLength = Number(text(a.MaxLength));
        const globalName = text(a.OptionSetName).toLowerCase();
        const local = list(a.optionset)[0];
        if (type === 'picklist' || type === 'multiselectpicklist') {
          const options = globalName ? globalOptionSets.get(globalName) : local && optionValues(local);
          if (options) column.options = options;
        }
        return column;
      }),
    };
  });
}

/** What the environment has now for each of the package's tables (null: no such table). */
export async function installedColumns(
  dataverse: DataverseApi,
  tables: string[],
): Promise<Map<string, ColumnDefinition[] | null>> {
  const installed = new Map<string, ColumnDefinition[] | null>();
  for (const table of tables) installed.set(table, await dataverse.getColumnDefinitions(table));
  return installed;
}

const ours = (column: ColumnDefinition) => column.logicalName.startsWith(`${PUBLISHER.prefix}_`);

function describe(column: ColumnDefinition): string {
  const parts = [column.typeName];
  if (column.maxLength !== undefined) parts.push(`max length ${column.maxLength}`);
  if (column.requiredLevel !== 'None') parts.push(`required level ${column.requiredLevel}`);
  if (column.options) parts.push(`${column.options.length} options`);
  return parts.join(', ');
}

function differences(installed: ColumnDefinition, incoming: ColumnDefinition): string[] {
  const changes: string[] = [];
  if (installed.typeName !== incoming.typeName)
    changes.push(`type ${installed.typeName} → ${incoming.typeName}`);
  if (
    installed.maxLength !== undefined &&
    incoming.maxLength !== undefined &&
    installed.maxLength !== incoming.maxLength
  )
    changes.push(`max length ${installed.maxLength} → ${incoming.maxLength}`);
  if (installed.requiredLevel !== incoming.requiredLevel)
    changes.push(`required level ${installed.requiredLevel} → ${incoming.requiredLevel}`);
  if (installed.options && incoming.options) {
    const added = incoming.options.filter((v) => !installed.options!.includes(v));
    const removed = installed.options.filter((v) => !incoming.options!.includes(v));
    if (added.length) changes.push(`options added ${added.join(', ')}`);
    if (removed.length) changes.push(`options removed ${removed.join(', ')}`);
  }
  return changes;
}

/** Plan items for the columns the new version adds, changes and drops. */
export function columnChanges(
  incoming: PackageTable[],
  installed: Map<string, ColumnDefinition[] | null>,
): PlanItem[] {
  const items: PlanItem[] = [];
  for (const { table, columns } of incoming) {
    const current = installed.get(table);
    if (!current) {
      items.push({ component: 'table', name: table, action: 'create', detail: `${columns.length} columns` });
      continue;
    }
    const byName = new Map(current.filter(ours).map((c) => [c.logicalName, c]));
    const incomingNames = new Set(columns.map((c) => c.logicalName));
    for (const column of columns.filter(ours)) {
      const name = `${table}.${column.logicalName}`;
      const before = byName.get(column.logicalName);
      if (!before) {
        items.push({ component: 'column', name, action: 'create', detail: describe(column) });
        continue;
      }
      const changes = differences(before, column);
      if (changes.length)
        items.push({ component: 'column', name, action: 'update', detail: changes.join('; ') });
    }
    for (const column of byName.values())
      if (!incomingNames.has(column.logicalName))
        items.push({
          component: 'column',
          name: `${table}.${column.logicalName}`,
          action: 'delete',
          detail: 'not in the new version: the upgrade deletes the column and its data',
        });
  }
  return items;
}
