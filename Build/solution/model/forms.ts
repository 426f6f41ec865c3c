/** The forms we ship: a new opportunity main form and a main form per new table. */
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import {
  FormHandlers,
  OpportunityColumns,
  OpportunityForm,
  PcfBindings,
  PcfControl,
  PcfProperties,
  ReferralFieldColumns,
  Relationships,
  SystemColumns,
  TableForms,
  Tables,
  Views,
  WebResourceNames,
} from '../../../Domain/constants';
import { ClassIds, classIdFor, pcfTypeFor } from '../render/classids';
import type { FormCell, FormDef } from '../render/forms';
import { opportunityColumns } from './columns';
import { label } from './labels';
import { newTables } from './tables';
import type { ColumnDef, NewTableDef } from './types';

const column = (columns: ColumnDef[], name: string): ColumnDef => {
  const found = columns.find((c) => c.logicalName === name);
  if (!found) throw new Error(`form references unknown column ${name}`);
  return found;
};

const field = (c: ColumnDef, disabled = false, lookupViewId?: string): FormCell => ({
  kind: 'field',
  column: c.logicalName,
  classId: classIdFor(c.type),
  label: c.displayName,
  disabled,
  ...(lookupViewId ? { lookupViewId } : {}),
});

/** The static `fieldMap` property carries the default field map as JSON so customizers can edit it in the form editor. */
export const defaultFieldMapJson = (): string => JSON.stringify(DEFAULT_FIELD_MAP);

/** Static property types of the control manifest (the structural check compares them to the built manifest). */
export const PCF_STATIC_TYPES = { [PcfProperties.fieldMap]: 'Multiple' } as const;

function pcfCell(): FormCell {
  const bound = (Object.entries(PcfBindings) as [string, string][]).map(
    ([prop, col]): [string, string, string] => [prop, col, pcfTypeFor(column(opportunityColumns, col).type)],
  );
  return {
    kind: 'pcf',
    column: OpportunityColumns.syncWithPartnerCenter,
    fallbackClassId: ClassIds.bit,
    label: label('Partner Center', 'Partner Center', 'Partner Center'),
    controlName: PcfControl.fullName,
    bound,
    statics: [[PcfProperties.fieldMap, defaultFieldMapJson(), PCF_STATIC_TYPES.fieldMap]],
  };
}

/** Standard opportunity fields on the Summary tab (platform columns, so not in our column model). */
const summaryFields: FormCell[] = [
  {
    kind: 'field',
    column: OpportunityColumns.name,
    classId: ClassIds.text,
    label: label('Topic', 'Tópico', 'Tema'),
  },
  {
    kind: 'field',
    column: OpportunityColumns.parentAccount,
    classId: ClassIds.lookup,
    label: label('Account', 'Conta', 'Cuenta'),
  },
  {
    kind: 'field',
    column: OpportunityColumns.estimatedValue,
    classId: ClassIds.currency,
    label: label('Est. Revenue', 'Receita Estimada', 'Ingresos estimados'),
  },
  {
    kind: 'field',
    column: OpportunityColumns.estimatedCloseDate,
    classId: ClassIds.datetime,
    label: label('Est. Close Date', 'Data de Fechamento Estimada', 'Fecha de cierre estimada'),
  },
  {
    kind: 'field',
    column: OpportunityColumns.transactionCurrency,
    classId: ClassIds.lookup,
    label: label('Currency', 'Moeda', 'Divisa'),
  },
  {
    kind: 'field',
    column: OpportunityColumns.description,
    classId: ClassIds.memo,
    label: label('Description', 'Descrição', 'Descripción'),
  },
];

export function opportunityForm(): FormDef {
  const oc = (name: string) => column(opportunityColumns, name);
  return {
    id: OpportunityForm.id,
    table: Tables.opportunity,
    name: label(
      OpportunityForm.name,
      'Oportunidade – co-venda com o Partner Center',
      'Oportunidad – venta conjunta con Partner Center',
    ),
    description: label(
      'Opportunity form with the Microsoft Partner Center co-sell tab.',
      'Formulário de oportunidade com a guia de co-venda do Microsoft Partner Center.',
      'Formulario de oportunidad con la pestaña de venta conjunta de Microsoft Partner Center.',
    ),
    tabs: [
      {
        name: 'tab_summary',
        label: label('Summary', 'Resumo', 'Resumen'),
        sections: [
          {
            name: 'section_summary',
            label: label(
              'Opportunity information',
              'Informações da oportunidade',
              'Información de la oportunidad',
            ),
            cells: summaryFields,
          },
        ],
      },
      {
        name: 'tab_partnercenter',
        label: label('Microsoft Partner Center', 'Microsoft Partner Center', 'Microsoft Partner Center'),
        sections: [
          {
            name: 'section_cosell',
            label: label('Co-sell', 'Co-venda', 'Venta conjunta'),
            cells: [
              pcfCell(),
              field(oc(OpportunityColumns.helpNeeded)),
              field(oc(OpportunityColumns.referralVisibility)),
              {
                kind: 'field',
                column: OpportunityColumns.parentContact,
                classId: ClassIds.lookup,
                label: label('Customer contact', 'Contato do cliente', 'Contacto del cliente'),
              },
            ],
          },
          {
            name: 'section_referralfields',
            label: label('Referral details', 'Detalhes da indicação', 'Detalles de la referencia'),
            cells: [
              field(oc(ReferralFieldColumns.solutionArea), false, Views.solutionAreas),
              field(oc(ReferralFieldColumns.solutionPlay), false, Views.solutionPlays),
              field(oc(ReferralFieldColumns.partnerRole), false, Views.partnerRoles),
              field(oc(ReferralFieldColumns.marketplaceIntent)),
            ],
          },
          {
            name: 'section_solutions',
            label: label('Microsoft Solutions', 'Soluções Microsoft', 'Soluciones de Microsoft'),
            cells: [
              {
                kind: 'subgrid',
                name: 'MicrosoftSolutions',
                label: label('Microsoft Solutions', 'Soluções Microsoft', 'Soluciones de Microsoft'),
                relationship: Relationships.opportunitySolutions.schemaName,
                targetTable: Tables.microsoftSolution,
                viewId: Views.pcs_microsoftsolution.associated,
                rows: 4,
              },
            ],
          },
          {
            name: 'section_syncevents',
            label: label('Sync events', 'Eventos de sincronização', 'Eventos de sincronización'),
            cells: [
              {
                kind: 'subgrid',
                name: 'SyncEvents',
                label: label('Sync events', 'Eventos de sincronização', 'Eventos de sincronización'),
                relationship: Relationships.opportunitySyncEvents.schemaName,
                targetTable: Tables.syncEvent,
                viewId: Views.pcs_syncevent.associated,
                rows: 6,
              },
            ],
          },
        ],
      },
    ],
    libraries: [WebResourceNames.opportunityForm],
    handlers: [
      { event: 'onload', functionName: FormHandlers.onLoad, library: WebResourceNames.opportunityForm },
      { event: 'onsave', functionName: FormHandlers.onSave, library: WebResourceNames.opportunityForm },
      {
        event: 'onchange',
        attribute: OpportunityColumns.syncWithPartnerCenter,
        functionName: FormHandlers.onSyncChange,
        library: WebResourceNames.opportunityForm,
      },
      {
        event: 'onchange',
        attribute: OpportunityColumns.helpNeeded,
        functionName: FormHandlers.onHelpNeededChange,
        library: WebResourceNames.opportunityForm,
      },
    ],
  };
}

/** Main form of a new table: its columns plus the owner, in one General tab. */
function tableForm(t: NewTableDef, formId: string, readOnly: boolean): FormDef {
  return {
    id: formId,
    table: t.logicalName,
    name: label('Information', 'Informações', 'Información'),
    description: label(
      'A form for this entity.',
      'Um formulário para esta entidade.',
      'Un formulario para esta entidad.',
    ),
    tabs: [
      {
        name: 'tab_general',
        label: label('General', 'Geral', 'General'),
        sections: [
          {
            name: 'section_general',
            label: label('General', 'Geral', 'General'),
            cells: [
              ...t.columns.map((c) => field(c, readOnly)),
              {
                kind: 'field',
                column: SystemColumns.ownerId,
                classId: ClassIds.lookup,
                label: label('Owner', 'Proprietário', 'Propietario'),
              },
            ],
          },
        ],
      },
    ],
  };
}

export function tableForms(): FormDef[] {
  const [solutions, details, events, attributes] = newTables;
  return [
    tableForm(solutions!, TableForms.pcs_microsoftsolution, false),
    tableForm(details!, TableForms.pcs_solutiondetail, false),
    // Sync events are written by the relay; the form shows them read-only.
    tableForm(events!, TableForms.pcs_syncevent, true),
    tableForm(attributes!, TableForms.pcs_referralattribute, false),
  ];
}
