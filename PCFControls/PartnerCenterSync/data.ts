/**
 * Reads of this opportunity's related rows through the PCF Web API, behind `OpportunityData` so the
 * components can be tested with a fake: the snapshot for the pre-flight (the loader the form scripts
 * use too) and the sync events, a page at a time.
 */
import {
  OpportunityColumns,
  Relationships,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  Tables,
} from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import type { DataverseRecord, OpportunitySnapshot } from '../../Domain/opportunity';
import { loadStoredOpportunitySnapshot } from '../../Domain/snapshotLoader';
import { bareRecordId, lookupValue, selectOption, type WebApiReader } from '../../Domain/webApi';
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

/** Microsoft's side of the deal as the relay wrote it on the opportunity (Domain/microsoftEngagement.ts). */
export interface MicrosoftSide {
  sellerName: string | null;
  sellerEmail: string | null;
  engagedOn: Date | null;
  updatedOn: Date | null;
  notes: string | null;
  /** pcs_microsoftstatus: a ReferralSubstatusOptions value. */
  status: number | null;
}

/** The relay-written facts the control reads beyond its bound properties. */
export interface DealSide {
  /** When an unanswered referral expires (Domain/referralDeadline.ts). */
  expiresOn: Date | null;
  expiryEstimated: boolean;
  /** Null until Microsoft engaged or sent the referral. */
  microsoft: MicrosoftSide | null;
}

export interface OpportunityData {
  /** Snapshot for the sharing rules; `overlay` holds unsaved form values that win over the stored row. */
  snapshot(opportunityId: string, map: FieldMap, overlay: DataverseRecord): Promise<OpportunitySnapshot>;
  /** Newest first; pass the previous page's `next` to continue. */
  syncEvents(opportunityId: string, next: string | null): Promise<SyncEventPage>;
  /** The referral's expiry and Microsoft's side, one read of the opportunity. */
  dealSide(opportunityId: string): Promise<DealSide>;
}

const DEAL_SIDE_COLUMNS = [
  OpportunityColumns.referralExpiresOn,
  OpportunityColumns.referralExpiryEstimated,
  OpportunityColumns.microsoftSellerName,
  OpportunityColumns.microsoftSellerEmail,
  OpportunityColumns.microsoftEngagedOn,
  OpportunityColumns.microsoftUpdatedOn,
  OpportunityColumns.microsoftNotes,
  OpportunityColumns.microsoftStatus,
];

export const SYNC_EVENT_PAGE_SIZE = 10;

export const syncEventsQuery = (opportunityId: string): string =>
  `${selectOption([
    SyncEventColumns.name,
    SyncEventColumns.direction,
    SyncEventColumns.outcome,
    SyncEventColumns.message,
    SyncEventColumns.occurredOn,
  ])}` +
  `&$filter=${lookupValue(Relationships.opportunitySyncEvents.lookup)} eq ${bareRecordId(opportunityId)}` +
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

const dateOf = (value: unknown): Date | null => {
  const date = typeof value === 'string' && value ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
};

export function dealSideFromRow(row: DataverseRecord): DealSide {
  const O = OpportunityColumns;
  const status = typeof row[O.microsoftStatus] === 'number' ? (row[O.microsoftStatus] as number) : null;
  const microsoft: MicrosoftSide = {
    sellerName: text(row[O.microsoftSellerName]),
    sellerEmail: text(row[O.microsoftSellerEmail]),
    engagedOn: dateOf(row[O.microsoftEngagedOn]),
    updatedOn: dateOf(row[O.microsoftUpdatedOn]),
    notes: text(row[O.microsoftNotes]),
    status,
  };
  return {
    expiresOn: dateOf(row[O.referralExpiresOn]),
    expiryEstimated: row[O.referralExpiryEstimated] === true,
    microsoft: Object.values(microsoft).some((v) => v !== null) ? microsoft : null,
  };
}

export function webApiData(webAPI: WebApiReader): OpportunityData {
  return {
    snapshot: (opportunityId, map, overlay) =>
      loadStoredOpportunitySnapshot(webAPI, map, opportunityId, overlay),

    async syncEvents(opportunityId, next) {
      const page = await webAPI.retrieveMultipleRecords(
        Tables.syncEvent,
        next ?? syncEventsQuery(opportunityId),
        SYNC_EVENT_PAGE_SIZE,
      );
      return { events: page.entities.map(syncEventFromRow), next: nextPageOptions(page.nextLink) };
    },

    async dealSide(opportunityId) {
      const row = await webAPI.retrieveRecord(
        Tables.opportunity,
        bareRecordId(opportunityId),
        selectOption(DEAL_SIDE_COLUMNS),
      );
      return dealSideFromRow(row);
    },
  };
}
