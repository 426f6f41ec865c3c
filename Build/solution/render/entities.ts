/**
 * Unpacked `Entities/<Name>/Entity.xml` documents. New tables copy the full custom-table shape of the
 * polymorphic-lookup sample export; system tables (opportunity, lead) list only our columns, like the
 * `Entities/Contact/Entity.xml` of the YarSol unpacked solution.
 */
import { TableSchemaNames } from '../../../Domain/constants';
import { XSI_NS, el, leaf, type XmlNode } from '../xml';
import { systemColumns } from '../model/systemColumns';
import type { ColumnDef, NewTableDef } from '../model/types';
import { label } from '../model/labels';
import { INTRODUCED_VERSION, descriptions, displaynames, labelList } from './common';
import { renderColumn, renderPrimaryKey, renderSystemColumn } from './attributes';

/** Entity-level settings of a new user-owned table, values as in the sample export. */
const ENTITY_SETTINGS: [string, string | number][] = [
  ['IsDuplicateCheckSupported', 0],
  ['IsBusinessProcessEnabled', 0],
  ['IsRequiredOffline', 0],
  ['IsInteractionCentricEnabled', 0],
  ['IsCollaboration', 0],
  ['AutoRouteToOwnerQueue', 0],
  ['IsConnectionsEnabled', 0],
  ['IsDocumentManagementEnabled', 0],
  ['AutoCreateAccessTeams', 0],
  ['IsOneNoteIntegrationEnabled', 0],
  ['IsKnowledgeManagementEnabled', 0],
  ['IsSLAEnabled', 0],
  ['IsDocumentRecommendationsEnabled', 0],
  ['IsBPFEntity', 0],
  ['OwnershipTypeMask', 'UserOwned'],
  ['IsAuditEnabled', 1],
  ['IsRetrieveAuditEnabled', 0],
  ['IsRetrieveMultipleAuditEnabled', 0],
  ['IsActivity', 0],
  ['ActivityTypeMask', ''],
  ['IsActivityParty', 0],
  ['IsReplicated', 0],
  ['IsReplicationUserFiltered', 0],
  ['IsMailMergeEnabled', 0],
  ['IsVisibleInMobile', 0],
  ['IsVisibleInMobileClient', 0],
  ['IsReadOnlyInMobileClient', 0],
  ['IsOfflineInMobileClient', 0],
  ['DaysSinceRecordLastModified', 0],
  ['MobileOfflineFilters', ''],
  ['IsMapiGridEnabled', 1],
  ['IsReadingPaneEnabled', 1],
  ['IsQuickCreateEnabled', 0],
  ['SyncToExternalSearchIndex', 0],
  ['IntroducedVersion', INTRODUCED_VERSION],
  ['IsCustomizable', 1],
  ['IsRenameable', 1],
  ['IsMappable', 1],
  ['CanModifyAuditSettings', 1],
  ['CanModifyMobileVisibility', 1],
  ['CanModifyMobileClientVisibility', 1],
  ['CanModifyMobileClientReadOnly', 1],
  ['CanModifyMobileClientOffline', 1],
  ['CanModifyConnectionSettings', 1],
  ['CanModifyDuplicateDetectionSettings', 1],
  ['CanModifyMailMergeSettings', 1],
  ['CanModifyQueueSettings', 1],
  ['CanCreateAttributes', 1],
  ['CanCreateForms', 1],
  ['CanCreateCharts', 1],
  ['CanCreateViews', 1],
  ['CanModifyAdditionalSettings', 1],
  ['CanEnableSyncToExternalSearchIndex', 1],
  ['EnforceStateTransitions', 0],
  ['CanChangeHierarchicalRelationship', 1],
  ['EntityHelpUrlEnabled', 0],
  // Change tracking lets the relay poll deltas (`odata.track-changes`) if webhooks are lost.
  ['ChangeTrackingEnabled', 1],
  ['CanChangeTrackingBeEnabled', 1],
  ['IsEnabledForExternalChannels', 0],
  ['IsMSTeamsIntegrationEnabled', 0],
  ['IsSolutionAware', 0],
];

/** Ribbon diff with nothing in it, as exported for tables without ribbon changes. */
export const emptyRibbonDiff = (): XmlNode =>
  el('RibbonDiffXml', [
    el('CustomActions'),
    el('Templates', [el('RibbonTemplates', { Id: 'Mscrm.Templates' })]),
    el('CommandDefinitions'),
    el('RuleDefinitions', [el('TabDisplayRules'), el('DisplayRules'), el('EnableRules')]),
    el('LocLabels'),
  ]);

const primaryKeyName = (t: NewTableDef) => `${t.logicalName}id`;

export function renderNewTable(t: NewTableDef): XmlNode {
  const attributes = [
    ...systemColumns.map((s) => ({ key: s.logicalName, node: renderSystemColumn(t.logicalName, s) })),
    {
      key: primaryKeyName(t),
      node: renderPrimaryKey(primaryKeyName(t), {
        displayName: t.displayName,
        description: label(
          'Unique identifier for entity instances',
          'Identificador exclusivo das instâncias da entidade',
          'Identificador único de las instancias de la entidad',
        ),
      }),
    },
    ...t.columns.map((c) => ({ key: c.logicalName, node: renderColumn(c) })),
  ].sort((a, b) => a.key.localeCompare(b.key));

  const key = t.alternateKey;
  return el('Entity', XSI_NS, [
    el('Name', { LocalizedName: t.displayName[1033], OriginalName: t.displayName[1033] }, [t.logicalName]),
    el('EntityInfo', [
      el('entity', { Name: t.logicalName }, [
        labelList('LocalizedNames', 'LocalizedName', t.displayName),
        labelList('LocalizedCollectionNames', 'LocalizedCollectionName', t.pluralName),
        descriptions(t.description),
        el(
          'attributes',
          attributes.map((a) => a.node),
        ),
        key &&
          el('EntityKeys', [
            el('EntityKey', [
              leaf('Name', key.logicalName),
              leaf('LogicalName', key.logicalName),
              leaf('IntroducedVersion', INTRODUCED_VERSION),
              leaf('IsCustomizable', 1),
              displaynames(key.displayName),
              el('EntityKeyAttributes', [leaf('AttributeName', key.column)]),
            ]),
          ]),
        leaf('EntitySetName', t.entitySetName),
        ...ENTITY_SETTINGS.map(([k, v]) => leaf(k, v)),
      ]),
    ]),
    el('FormXml'),
    el('SavedQueries'),
    emptyRibbonDiff(),
  ]);
}

/**
 * A table another solution owns (opportunity, lead) carrying our columns only. Real exports mark it
 * `unmodified="1"` even when it lists added columns (docs/reference/dataverse-solution-format.md,
 * "Columns added to an existing table"): the table's own definition stays out of our managed layer.
 */
export function renderSystemTableExtension(
  schemaName: (typeof TableSchemaNames)[keyof typeof TableSchemaNames],
  columns: ColumnDef[],
): XmlNode {
  return el('Entity', XSI_NS, [
    el('Name', { LocalizedName: schemaName, OriginalName: schemaName }, [schemaName]),
    el('EntityInfo', [
      el('entity', { Name: schemaName, unmodified: '1' }, [
        el(
          'attributes',
          columns.map((c) => renderColumn(c)),
        ),
      ]),
    ]),
    el('FormXml'),
    el('SavedQueries'),
    el('RibbonDiffXml'),
  ]);
}
