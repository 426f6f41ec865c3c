/**
 * 1:N relationships. Our four lookups carry explicit navigation property names (Domain Relationships),
 * the platform ones of each new table (owner, business unit, created/modified by) copy the sample export.
 */
import {
  Relationships,
  SystemColumns,
  TableSchemaNames,
  Tables,
  type TableName,
} from '../../../Domain/constants';
import { el, leaf, type XmlNode } from '../xml';
import { label, type Labels } from '../model/labels';
import { newTables } from '../model/tables';
import { INTRODUCED_VERSION, descriptions } from './common';

export interface RelationshipDef {
  name: string;
  referencing: string;
  referenced: string;
  referencingAttribute: string;
  cascadeDelete: 'Restrict' | 'RemoveLink' | 'NoCascade' | 'Cascade';
  description: Labels;
  /** Our own lookups: nav-pane role + navigation property names. */
  navigation?: { single: string; collection: string };
}

/** Schema name of a table as relationship XML writes it (system tables capitalised). */
const schemaOf = (table: TableName | keyof typeof TableSchemaNames): string =>
  (TableSchemaNames as Record<string, string>)[table] ?? table;

function platformRelationships(table: TableName): RelationshipDef[] {
  const d = (en: string, pt: string, es: string) => label(en, pt, es);
  return [
    {
      name: `business_unit_${table}`,
      referencing: table,
      referenced: TableSchemaNames.businessunit,
      referencingAttribute: 'OwningBusinessUnit',
      cascadeDelete: 'Restrict',
      description: d(
        'Unique identifier for the business unit that owns the record',
        'Identificador exclusivo da unidade de negócios que possui o registro',
        'Identificador único de la unidad de negocio propietaria del registro',
      ),
    },
    {
      name: `lk_${table}_${SystemColumns.createdBy}`,
      referencing: table,
      referenced: TableSchemaNames.systemuser,
      referencingAttribute: 'CreatedBy',
      cascadeDelete: 'NoCascade',
      description: d(
        'Unique identifier of the user who created the record.',
        'Identificador exclusivo do usuário que criou o registro.',
        'Identificador único del usuario que creó el registro.',
      ),
    },
    {
      name: `lk_${table}_${SystemColumns.modifiedBy}`,
      referencing: table,
      referenced: TableSchemaNames.systemuser,
      referencingAttribute: 'ModifiedBy',
      cascadeDelete: 'NoCascade',
      description: d(
        'Unique identifier of the user who modified the record.',
        'Identificador exclusivo do usuário que modificou o registro.',
        'Identificador único del usuario que modificó el registro.',
      ),
    },
    {
      name: `owner_${table}`,
      referencing: table,
      referenced: TableSchemaNames.owner,
      referencingAttribute: 'OwnerId',
      cascadeDelete: 'NoCascade',
      description: d('Owner Id', 'ID do Proprietário', 'Id. del propietario'),
    },
    {
      name: `team_${table}`,
      referencing: table,
      referenced: TableSchemaNames.team,
      referencingAttribute: 'OwningTeam',
      cascadeDelete: 'NoCascade',
      description: d(
        'Unique identifier for the team that owns the record.',
        'Identificador exclusivo da equipe que possui o registro.',
        'Identificador único del equipo propietario del registro.',
      ),
    },
    {
      name: `user_${table}`,
      referencing: table,
      referenced: TableSchemaNames.systemuser,
      referencingAttribute: 'OwningUser',
      cascadeDelete: 'NoCascade',
      description: d(
        'Unique identifier for the user that owns the record.',
        'Identificador exclusivo do usuário que possui o registro.',
        'Identificador único del usuario propietario del registro.',
      ),
    },
  ];
}

/** Catalogues: deleting a catalogue row clears the lookups to it, never the records that used it. */
const CATALOGUES: ReadonlySet<string> = new Set([Tables.solutionDetail, Tables.referralAttribute]);

/** Our lookups: deleting the parent clears the lookup, except sync events of a deleted record go too. */
const ours: RelationshipDef[] = Object.values(Relationships).map((r) => ({
  name: r.schemaName,
  referencing: schemaOf(r.referencing),
  referenced: schemaOf(r.referenced),
  referencingAttribute: r.lookup,
  // Solution rows and sync events have no meaning without their opportunity/lead.
  cascadeDelete: CATALOGUES.has(r.referenced) ? 'RemoveLink' : 'Cascade',
  description: label(
    `Lookup from ${r.referencing} to ${r.referenced}.`,
    `Pesquisa de ${r.referencing} para ${r.referenced}.`,
    `Búsqueda de ${r.referencing} a ${r.referenced}.`,
  ),
  navigation: { single: r.navigation, collection: r.collection },
}));

export const allRelationships = (): RelationshipDef[] =>
  [...newTables.flatMap((t) => platformRelationships(t.logicalName)), ...ours].sort((a, b) =>
    a.name.localeCompare(b.name),
  );

export function renderRelationship(r: RelationshipDef): XmlNode {
  const cascadeArchive = r.cascadeDelete === 'Cascade' ? 'Cascade' : r.cascadeDelete;
  return el('EntityRelationship', { Name: r.name }, [
    leaf('EntityRelationshipType', 'OneToMany'),
    leaf('IsCustomizable', 1),
    leaf('IntroducedVersion', INTRODUCED_VERSION),
    leaf('IsHierarchical', 0),
    leaf('ReferencingEntityName', r.referencing),
    leaf('ReferencedEntityName', r.referenced),
    leaf('CascadeAssign', 'NoCascade'),
    leaf('CascadeDelete', r.cascadeDelete),
    // Newer than the 2018 XSD (allowed exception); mirrors CascadeDelete as in the sample export.
    leaf('CascadeArchive', cascadeArchive),
    leaf('CascadeReparent', 'NoCascade'),
    leaf('CascadeShare', 'NoCascade'),
    leaf('CascadeUnshare', 'NoCascade'),
    r.navigation && leaf('CascadeRollupView', 'NoCascade'),
    r.navigation && leaf('IsValidForAdvancedFind', 1),
    leaf('ReferencingAttributeName', r.referencingAttribute),
    el('RelationshipDescription', [descriptions(r.description)]),
    r.navigation &&
      el('EntityRelationshipRoles', [
        el('EntityRelationshipRole', [
          leaf('NavPaneDisplayOption', 'UseCollectionName'),
          leaf('NavPaneArea', 'Details'),
          leaf('NavPaneOrder', 10000),
          leaf('NavigationPropertyName', r.navigation.single),
          leaf('RelationshipRoleType', 1),
        ]),
        el('EntityRelationshipRole', [
          leaf('NavigationPropertyName', r.navigation.collection),
          leaf('RelationshipRoleType', 0),
        ]),
      ]),
  ]);
}
