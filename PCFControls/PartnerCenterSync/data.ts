/**
 * Reads of this opportunity's related rows through the PCF Web API, behind `OpportunityData` so the
 * components can be tested with a fake. Query text is built by pure, exported functions.
 */
import {
  AccountColumns,
  ContactColumns,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  Relationships,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  Tables,
  TransactionCurrencyColumns,
} from '../../Domain/constants';
import type { FieldMap, FieldMapTable } from '../../Domain/fieldMap';
import type { DataverseRecord, OpportunitySnapshot, SolutionRow } from '../../Domain/opportunity';

export type WebApiReads = Pick<ComponentFramework.WebApi, 'retrieveRecord' | 'retrieveMultipleRecords'>;

export interface SyncEventView {
  id: string;
  direction: 'toPartnerCenter' | 'toDataverse' | null;
  outcome: 'succeeded' | 'failed' | 'skipped' | null;
  occurredOn: Date | null;
  message: string;
}

export interface SyncEventPage {
  events: SyncEventView[];
  /** Options for the next page, null on the last one. */
  next: string | null;
}

export interface OpportunityData {
  /** Snapshot for the sharing rules; `overlay` holds unsaved form values that win over the stored row. */
  snapshot(opportunityId: string, map: FieldMap, overlay: DataverseRecord): Promise<OpportunitySnapshot>;
  /** Newest first; pass the previous page's `next` to continue. */
  syncEvents(opportunityId: string, next: string | null): Promise<SyncEventPage>;
}

export const SYNC_EVENT_PAGE_SIZE = 10;

/** Web API name of a lookup's value column (`_parentaccountid_value`). */
export const lookupValue = (column: string): string => `_${column}_value`;

/** Dataverse ids arrive braced and upper-case from some hosts; OData filters want the bare GUID. */
export function normalizeId(id: string): string {
  const bare = id.replace(/[{}]/g, '').toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(bare)) {
    throw new Error(`Not a record id: ${id}`);
  }
  return bare;
}

const mappedColumns = (map: FieldMap, table: FieldMapTable): string[] =>
  map.entries.filter((e) => e.table === table).map((e) => e.column);

const select = (columns: string[]): string => `?$select=${[...new Set(columns)].join(',')}`;

export function opportunityQuery(map: FieldMap): string {
  return select([
    OpportunityColumns.name,
    OpportunityColumns.estimatedValue,
    OpportunityColumns.estimatedCloseDate,
    OpportunityColumns.referralVisibility,
    OpportunityColumns.helpNeeded,
    ...mappedColumns(map, Tables.opportunity),
    lookupValue(OpportunityColumns.parentAccount),
    lookupValue(OpportunityColumns.parentContact),
    lookupValue(OpportunityColumns.transactionCurrency),
  ]);
}

export const accountQuery = (map: FieldMap): string =>
  select([AccountColumns.name, AccountColumns.country, ...mappedColumns(map, Tables.account)]);

export const contactQuery = (map: FieldMap): string =>
  select([
    ContactColumns.firstName,
    ContactColumns.lastName,
    ContactColumns.email,
    ...mappedColumns(map, Tables.contact),
  ]);

export const solutionsQuery = (opportunityId: string): string =>
  `${select([MicrosoftSolutionColumns.solutionId, MicrosoftSolutionColumns.name])}` +
  `&$filter=${lookupValue(Relationships.opportunitySolutions.lookup)} eq ${normalizeId(opportunityId)}`;

export const syncEventsQuery = (opportunityId: string): string =>
  `${select([
    SyncEventColumns.name,
    SyncEventColumns.direction,
    SyncEventColumns.outcome,
    SyncEventColumns.message,
    SyncEventColumns.occurredOn,
  ])}` +
  `&$filter=${lookupValue(Relationships.opportunitySyncEvents.lookup)} eq ${normalizeId(opportunityId)}` +
  `&$orderby=${SyncEventColumns.occurredOn} desc`;

/** Xrm.WebApi paging: the query part of `nextLink` is the options string of the next call (Microsoft Learn,
 *  retrieveMultipleRecords "nextLink"). */
export function nextPageOptions(nextLink: string | undefined): string | null {
  if (!nextLink) return null;
  const query = nextLink.indexOf('?');
  return query < 0 ? null : nextLink.slice(query);
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

const optionName = <K extends string>(options: Record<K, number>, value: unknown): K | null =>
  (Object.keys(options) as K[]).find((k) => options[k] === value) ?? null;

export function syncEventFromRow(row: DataverseRecord): SyncEventView {
  const occurredOn = text(row[SyncEventColumns.occurredOn]);
  return {
    id: text(row[SyncEventColumns.id]) ?? '',
    direction: optionName(SyncDirection, row[SyncEventColumns.direction]),
    outcome: optionName(SyncOutcome, row[SyncEventColumns.outcome]),
    occurredOn: occurredOn ? new Date(occurredOn) : null,
    message: text(row[SyncEventColumns.message]) ?? text(row[SyncEventColumns.name]) ?? '',
  };
}

export function solutionFromRow(row: DataverseRecord): SolutionRow {
  return {
    solutionId: text(row[MicrosoftSolutionColumns.solutionId]) ?? '',
    name: text(row[MicrosoftSolutionColumns.name]),
  };
}

export function webApiData(webAPI: WebApiReads): OpportunityData {
  const related = async (table: string, id: unknown, options: string): Promise<DataverseRecord | null> =>
    typeof id === 'string' && id ? webAPI.retrieveRecord(table, id, options) : null;

  return {
    async snapshot(opportunityId, map, overlay) {
      const id = normalizeId(opportunityId);
      const stored = await webAPI.retrieveRecord(Tables.opportunity, id, opportunityQuery(map));
      const opportunity: DataverseRecord = { ...stored, ...overlay, [OpportunityColumns.id]: id };
      const [account, contact, currency, solutions] = await Promise.all([
        related(
          Tables.account,
          opportunity[lookupValue(OpportunityColumns.parentAccount)],
          accountQuery(map),
        ),
        related(
          Tables.contact,
          opportunity[lookupValue(OpportunityColumns.parentContact)],
          contactQuery(map),
        ),
        related(
          Tables.transactioncurrency,
          opportunity[lookupValue(OpportunityColumns.transactionCurrency)],
          select([TransactionCurrencyColumns.isoCode]),
        ),
        webAPI.retrieveMultipleRecords(Tables.microsoftSolution, solutionsQuery(id)),
      ]);
      return {
        opportunity,
        account,
        contact,
        currencyIsoCode: text(currency?.[TransactionCurrencyColumns.isoCode]),
        solutions: solutions.entities.map(solutionFromRow),
      };
    },

    async syncEvents(opportunityId, next) {
      const page = await webAPI.retrieveMultipleRecords(
        Tables.syncEvent,
        next ?? syncEventsQuery(opportunityId),
        SYNC_EVENT_PAGE_SIZE,
      );
      return { events: page.entities.map(syncEventFromRow), next: nextPageOptions(page.nextLink) };
    },
  };
}
