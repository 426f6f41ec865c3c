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
const stepName = (table: string, message: string) => `pcs: ${table} ${message} → co-sell relay`;

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
      // Create/Update carry the lookup in Target; Delete only has the pre image.
      images:
        message === 'Create'
          ? []
          : [{ alias: 'pre', type: 'pre', attributes: [MicrosoftSolutionColumns.opportunity] }],
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
  ];
}
