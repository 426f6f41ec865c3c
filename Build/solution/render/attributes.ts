/** `<attribute>` elements in the element order of real exports (docs/reference/dataverse-solution-format.md §1.5). */
import type { TableName } from '../../../Domain/constants';
import { el, leaf, type XmlNode } from '../xml';
import { STATE_LABELS, type SystemColumnDef } from '../model/systemColumns';
import type { ColumnDef } from '../model/types';
import { INTRODUCED_VERSION, descriptions, displaynames, labels } from './common';

interface CommonFlags {
  type: string;
  logicalName: string;
  requiredLevel: string;
  displayMask?: string;
  imeMode?: string;
  validFor: { update: number; read: number; create: number };
  customField: 0 | 1;
  audit: 0 | 1;
  logical?: boolean;
  secured: 0 | 1;
  canModifyRequirement?: 0 | 1;
  searchable: 0 | 1;
  filterable: 0 | 1;
  retrievable: 0 | 1;
}

/** The block every attribute starts with, in export order. */
function head(f: CommonFlags): XmlNode[] {
  return [
    leaf('Type', f.type),
    leaf('Name', f.logicalName),
    leaf('LogicalName', f.logicalName),
    leaf('RequiredLevel', f.requiredLevel),
    f.displayMask ? leaf('DisplayMask', f.displayMask) : undefined,
    f.imeMode ? leaf('ImeMode', f.imeMode) : undefined,
    leaf('ValidForUpdateApi', f.validFor.update),
    leaf('ValidForReadApi', f.validFor.read),
    leaf('ValidForCreateApi', f.validFor.create),
    leaf('IsCustomField', f.customField),
    leaf('IsAuditEnabled', f.audit),
    f.logical ? leaf('IsLogical', 1) : undefined,
    leaf('IsSecured', f.secured),
    leaf('IntroducedVersion', INTRODUCED_VERSION),
    leaf('IsCustomizable', 1),
    leaf('IsRenameable', 1),
    leaf('CanModifySearchSettings', 1),
    leaf('CanModifyRequirementLevelSettings', f.canModifyRequirement ?? 1),
    leaf('CanModifyAdditionalSettings', 1),
    leaf('SourceType', 0),
    leaf('IsGlobalFilterEnabled', 0),
    leaf('IsSortableEnabled', 0),
    leaf('CanModifyGlobalFilterSettings', 1),
    leaf('CanModifyIsSortableSettings', 1),
    leaf('IsDataSourceSecret', 0),
    // Newer than the 2018 XSD, present in every current export (allowed exception in the checks).
    el('AutoNumberFormat'),
    leaf('IsSearchable', f.searchable),
    leaf('IsFilterable', f.filterable),
    leaf('IsRetrievable', f.retrievable),
    leaf('IsLocalizable', 0),
  ].filter((n): n is XmlNode => n !== undefined);
}

/** Local option set name: `<table>_<column>` as the platform names it. */
const optionSetName = (table: TableName, column: string) => `${table}_${column}`;

function typeSpecific(c: ColumnDef): XmlNode[] {
  const t = c.type;
  switch (t.kind) {
    case 'bit':
      return [
        leaf('AppDefaultValue', t.defaultValue),
        el('optionset', { Name: optionSetName(c.table, c.logicalName) }, [
          leaf('OptionSetType', 'bit'),
          leaf('IntroducedVersion', INTRODUCED_VERSION),
          leaf('IsCustomizable', 1),
          displaynames(c.displayName),
          descriptions(c.description),
          el('options', [
            el('option', { value: 1 }, [labels(t.yes)]),
            el('option', { value: 0 }, [labels(t.no)]),
          ]),
        ]),
      ];
    case 'text':
      return [leaf('Format', t.format), leaf('MaxLength', t.maxLength), leaf('Length', t.maxLength * 2)];
    case 'memo':
      return [leaf('Format', 'text'), leaf('MaxLength', t.maxLength)];
    case 'datetime':
      return [leaf('Format', t.format), leaf('CanChangeDateTimeBehavior', 1), leaf('Behavior', 1)];
    case 'lookup':
      return [leaf('LookupStyle', 'single'), el('LookupTypes')];
    case 'choice':
      return [
        // -1 = no default (observed in exports for choices without a default).
        leaf('AppDefaultValue', t.defaultValue ?? -1),
        el('optionset', { Name: optionSetName(c.table, c.logicalName) }, [
          leaf('OptionSetType', 'picklist'),
          leaf('IntroducedVersion', INTRODUCED_VERSION),
          leaf('IsCustomizable', 1),
          el('ExternalTypeName'),
          displaynames(c.displayName),
          descriptions(c.description),
          el(
            'options',
            t.options.map((o) => el('option', { value: o.value, ExternalValue: '' }, [labels(o.label)])),
          ),
        ]),
      ];
  }
}

const dataverseType = (c: ColumnDef): string =>
  ({
    bit: 'bit',
    text: 'nvarchar',
    memo: 'ntext',
    datetime: 'datetime',
    lookup: 'lookup',
    choice: 'picklist',
  })[c.type.kind];

/** One of our columns (custom field). */
export function renderColumn(c: ColumnDef): XmlNode {
  const mask = c.primaryName
    ? 'PrimaryName|ValidForAdvancedFind|ValidForForm|ValidForGrid|RequiredForForm'
    : 'ValidForAdvancedFind|ValidForForm|ValidForGrid';
  return el('attribute', { PhysicalName: c.logicalName }, [
    ...head({
      type: dataverseType(c),
      logicalName: c.logicalName,
      requiredLevel: c.required ?? 'none',
      displayMask: mask,
      // Lookups carry no ImeMode in exports.
      imeMode: c.type.kind === 'lookup' ? undefined : 'auto',
      validFor: { update: 1, read: 1, create: 1 },
      customField: 1,
      audit: 1,
      secured: c.secured ? 1 : 0,
      searchable: c.searchable ? 1 : 0,
      filterable: 0,
      retrievable: c.searchable ? 1 : 0,
    }),
    ...typeSpecific(c),
    displaynames(c.displayName),
    descriptions(c.description),
  ]);
}

function stateOptionSet(table: TableName, s: SystemColumnDef): XmlNode {
  const common = [
    leaf('IntroducedVersion', INTRODUCED_VERSION),
    leaf('IsCustomizable', 1),
    displaynames(s.displayName),
    descriptions(s.description),
  ];
  if (s.type === 'state') {
    return el('optionset', { Name: `${table}_${s.logicalName}` }, [
      leaf('OptionSetType', 'state'),
      ...common,
      el('states', [
        el('state', { value: 0, defaultstatus: 1, invariantname: 'Active' }, [labels(STATE_LABELS.active)]),
        el('state', { value: 1, defaultstatus: 2, invariantname: 'Inactive' }, [
          labels(STATE_LABELS.inactive),
        ]),
      ]),
    ]);
  }
  return el('optionset', { Name: `${table}_${s.logicalName}` }, [
    leaf('OptionSetType', 'status'),
    ...common,
    el('statuses', [
      el('status', { value: 1, state: 0 }, [labels(STATE_LABELS.active)]),
      el('status', { value: 2, state: 1 }, [labels(STATE_LABELS.inactive)]),
    ]),
  ]);
}

/** A platform column of a new table, same shape as the sample export. */
export function renderSystemColumn(table: TableName, s: SystemColumnDef): XmlNode {
  const specific: (XmlNode | undefined)[] = [];
  if (s.type === 'int' && s.int) {
    specific.push(el('Format'), leaf('MinValue', s.int.min), leaf('MaxValue', s.int.max));
  } else if (s.type === 'datetime') {
    specific.push(
      leaf('Format', s.datetimeFormat ?? 'datetime'),
      leaf('CanChangeDateTimeBehavior', 0),
      leaf('Behavior', 1),
    );
  } else if (s.type === 'lookup') {
    specific.push(leaf('LookupStyle', 'single'), el('LookupTypes'));
  } else if (s.type === 'owner') {
    // Object type codes 8 (systemuser) and 9 (team), written with an empty id as in exports.
    specific.push(
      leaf('LookupStyle', 'single'),
      el('LookupTypes', [
        leaf('LookupType', 8, { id: '00000000-0000-0000-0000-000000000000' }),
        leaf('LookupType', 9, { id: '00000000-0000-0000-0000-000000000000' }),
      ]),
    );
  } else {
    specific.push(stateOptionSet(table, s));
  }
  return el('attribute', { PhysicalName: s.physicalName }, [
    ...head({
      type: s.type,
      logicalName: s.logicalName,
      requiredLevel: s.requiredLevel,
      displayMask: s.displayMask,
      imeMode: s.imeMode,
      validFor: s.validFor,
      customField: 0,
      audit: s.audit,
      logical: s.logical,
      secured: 0,
      searchable: 0,
      filterable: s.filterable,
      retrievable: s.retrievable,
    }),
    ...specific,
    displaynames(s.displayName),
    descriptions(s.description),
  ]);
}

/** The primary key column `<table>id` of a new table. */
export function renderPrimaryKey(
  idColumn: string,
  name: Pick<ColumnDef, 'displayName' | 'description'>,
): XmlNode {
  return el('attribute', { PhysicalName: idColumn }, [
    ...head({
      type: 'primarykey',
      logicalName: idColumn,
      requiredLevel: 'systemrequired',
      displayMask: 'ValidForAdvancedFind|RequiredForGrid',
      imeMode: 'auto',
      validFor: { update: 0, read: 1, create: 1 },
      customField: 0,
      audit: 0,
      secured: 0,
      canModifyRequirement: 0,
      searchable: 0,
      filterable: 1,
      retrievable: 1,
    }),
    displaynames(name.displayName),
    descriptions(name.description),
  ]);
}
