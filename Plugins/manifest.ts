/**
 * The one registration manifest of our webhook steps: which Dataverse messages on which tables post
 * to the relay, at which stage and mode, filtered on which columns, with which images. `cosell setup`
 * registers exactly these, and the tests check the handlers against them.
 */
import {
  LeadColumns,
  LeadState,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  RelayOwnedOpportunityColumns,
  Tables,
} from '../Domain/constants';
import type { FieldMap } from '../Domain/fieldMap';
import { sharingRuleColumns } from '../Domain/rules';

export type StepMessage = 'Create' | 'Update' | 'Delete' | 'Win' | 'Lose' | 'QualifyLead';

export interface StepImage {
  /** Key of the image in Pre/PostEntityImages. */
  alias: string;
  type: 'pre' | 'post';
  /** Columns captured (never empty: an empty list means "all columns" to the platform). */
  attributes: string[];
}

export interface StepRegistration {
  /** Unique, stable name: setup finds the existing step by it and updates in place. */
  name: string;
  message: StepMessage;
  table: string;
  /** 40 = post-operation: the change is committed when we see it. */
  stage: 40;
  /** Asynchronous: a relay outage never blocks a seller's save (sync steps roll the save back). */
  mode: 'asynchronous';
  /** Update only; null = every column. */
  filteringAttributes: string[] | null;
  images: StepImage[];
}

export const SERVICE_ENDPOINT_NAME = 'Partner Center co-sell relay';
export const stepName = (table: string, message: string): string =>
  `pcs: ${table} ${message} → co-sell relay`;

/** Opportunity columns whose change should push the opportunity: the sync flag and every mapped
 *  opportunity column that travels to Partner Center, never a relay-owned column. */
export function opportunityFilteringAttributes(map: FieldMap): string[] {
  const relayOwned = new Set<string>(RelayOwnedOpportunityColumns);
  const mapped = map.entries
    .filter((e) => e.table === Tables.opportunity && e.direction !== 'toDataverse')
    .map((e) => e.column);
  const columns = [
    OpportunityColumns.syncWithPartnerCenter,
    OpportunityColumns.parentAccount,
    OpportunityColumns.parentContact,
    OpportunityColumns.transactionCurrency,
    OpportunityColumns.helpNeeded,
    OpportunityColumns.referralVisibility,
    ...mapped,
  ];
  return [...new Set(columns)].filter((c) => !relayOwned.has(c)).sort();
}

/** The customer tables whose columns the sharing rules read: fixing one can turn a ✖ deal ✔. */
export const CUSTOMER_TABLES = [Tables.account, Tables.contact] as const;
export type CustomerTable = (typeof CUSTOMER_TABLES)[number];

/** Columns of `table` the sharing rules read under this map (the country column follows
 *  pcs_CountryCodeFieldName through the map's overrides). */
export function customerFilteringAttributes(map: FieldMap, table: CustomerTable): string[] {
  return [
    ...new Set(
      sharingRuleColumns(map)
        .filter((c) => c.table === table)
        .map((c) => c.column),
    ),
  ].sort();
}

/** Steps whose filtering attributes follow the field map: the relay realigns them when the map changes. */
export const isMapDependentStep = (step: StepRegistration): boolean =>
  step.message === 'Update' &&
  (step.table === Tables.opportunity || (CUSTOMER_TABLES as readonly string[]).includes(step.table));

export function buildStepManifest(map: FieldMap): StepRegistration[] {
  const async = { stage: 40, mode: 'asynchronous' } as const;
  return [
    {
      name: stepName(Tables.opportunity, 'Create'),
      message: 'Create',
      table: Tables.opportunity,
      ...async,
      filteringAttributes: null,
      images: [],
    },
    {
      name: stepName(Tables.opportunity, 'Update'),
      message: 'Update',
      table: Tables.opportunity,
      ...async,
      filteringAttributes: opportunityFilteringAttributes(map),
      // The name before the change tells a seller's rename from our own ✔/✖ edit.
      images: [
        {
          alias: 'pre',
          type: 'pre',
          attributes: [OpportunityColumns.name, OpportunityColumns.syncWithPartnerCenter],
        },
      ],
    },
    {
      name: stepName(Tables.opportunity, 'Win'),
      message: 'Win',
      table: Tables.opportunity,
      ...async,
      filteringAttributes: null,
      images: [],
    },
    {
      name: stepName(Tables.opportunity, 'Lose'),
      message: 'Lose',
      table: Tables.opportunity,
      ...async,
      filteringAttributes: null,
      images: [],
    },
    ...(['Create', 'Update', 'Delete'] as const).map((message): StepRegistration => ({
      name: stepName(Tables.microsoftSolution, message),
      message,
      table: Tables.microsoftSolution,
      ...async,
      filteringAttributes:
        message === 'Update'
          ? [
              MicrosoftSolutionColumns.solutionId,
              MicrosoftSolutionColumns.solutionDetail,
              MicrosoftSolutionColumns.opportunity,
            ]
          : null,
      // Create/Update carry the lookups in Target; Delete only has the pre image. On Update the pre
      // image says whether the row is linked to the catalogue when only its Solution ID changed.
      images:
        message === 'Create'
          ? []
          : [
              {
                alias: 'pre',
                type: 'pre',
                attributes:
                  message === 'Update'
                    ? [MicrosoftSolutionColumns.opportunity, MicrosoftSolutionColumns.solutionDetail]
                    : [MicrosoftSolutionColumns.opportunity],
              },
            ],
    })),
    {
      name: stepName(Tables.lead, 'Update'),
      message: 'Update',
      table: Tables.lead,
      ...async,
      filteringAttributes: [
        LeadState.stateCode,
        LeadState.statusCode,
        LeadColumns.syncWithPartnerCenter,
      ].sort(),
      images: [{ alias: 'pre', type: 'pre', attributes: [LeadColumns.referralId, LeadState.stateCode] }],
    },
    {
      name: stepName(Tables.lead, 'QualifyLead'),
      message: 'QualifyLead',
      table: Tables.lead,
      ...async,
      filteringAttributes: null,
      images: [],
    },
    // The seller fixes what blocked a deal on the account or contact: its deals in error sync again.
    // Never unfiltered: a map whose rules read nothing on the table registers no step there.
    ...CUSTOMER_TABLES.map((table) => ({ table, columns: customerFilteringAttributes(map, table) }))
      .filter(({ columns }) => columns.length > 0)
      .map(({ table, columns }): StepRegistration => ({
        name: stepName(table, 'Update'),
        message: 'Update',
        table,
        ...async,
        filteringAttributes: columns,
        images: [],
      })),
  ];
}
