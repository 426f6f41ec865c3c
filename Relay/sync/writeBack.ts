/**
 * Everything the relay writes back on a record after a sync attempt — relay-owned columns, the
 * audit line and one `pcs_syncevent` row — as ONE `$batch` change set: the seller never sees a
 * referral id without its sync event, or a ✔ without the referral.
 */
import {
  EntitySets,
  OpportunityColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  Relationships,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  SyncStatus,
  referralLink,
} from '../../Domain/constants';
import { invitationColumns } from '../../Domain/microsoftEngagement';
import type { DataverseRecord } from '../../Domain/opportunity';
import { expiryColumns } from '../../Domain/referralDeadline';
import type { Referral } from '../../Domain/referral';
import type { BatchOperation } from '../ports';

export type Direction = keyof typeof SyncDirection;
export type Outcome = keyof typeof SyncOutcome;

/** Audit lines kept on the record (newest first); the full history is in pcs_syncevent rows. */
export const AUDIT_MAX_LINES = 50;
/** pcs_audit is a multiline text column of this many characters at most. */
export const AUDIT_MAX_CHARS = 8000;
const NAME_MAX = 100;

export function auditLine(at: Date, direction: Direction, outcome: Outcome, message: string): string {
  const arrow = direction === 'toPartnerCenter' ? '→ Partner Center' : '← Partner Center';
  const mark = outcome === 'succeeded' ? '✔' : outcome === 'failed' ? '✖' : '•';
  return `${at.toISOString()} ${mark} ${arrow}: ${message.replace(/\s+/g, ' ').trim()}`;
}

/** New line on top; oldest lines dropped past the line and character bounds. */
export function prependAudit(existing: unknown, line: string): string {
  const previous = typeof existing === 'string' && existing ? existing.split('\n') : [];
  const lines = [line, ...previous].slice(0, AUDIT_MAX_LINES);
  while (lines.length > 1 && lines.join('\n').length > AUDIT_MAX_CHARS) lines.pop();
  return lines.join('\n').slice(0, AUDIT_MAX_CHARS);
}

/** Relay-owned columns describing the referral as Partner Center has it now. */
export function referralColumns(referral: Referral): DataverseRecord {
  const status = referral.status as keyof typeof ReferralStatusOptions | null | undefined;
  const substatus = referral.substatus as keyof typeof ReferralSubstatusOptions | null | undefined;
  const columns: DataverseRecord = {
    [OpportunityColumns.referralId]: referral.id ?? null,
    [OpportunityColumns.referralLink]: referral.id ? referralLink(referral.id) : null,
    [OpportunityColumns.referralStatus]: (status && ReferralStatusOptions[status]) ?? null,
    [OpportunityColumns.referralSubstatus]: (substatus && ReferralSubstatusOptions[substatus]) ?? null,
  };
  if (referral.engagementId) columns[OpportunityColumns.engagementId] = referral.engagementId;
  const msxId = referral.trackingInfo?.microsoftMsxId;
  if (msxId) columns[OpportunityColumns.microsoftCrmId] = msxId;
  Object.assign(columns, expiryColumns(referral), invitationColumns(referral));
  return columns;
}

export interface SyncEventInput {
  /** Which record the event belongs to. */
  table: 'opportunity' | 'lead';
  recordId: string;
  direction: Direction;
  outcome: Outcome;
  /** Short title (pcs_name). */
  title: string;
  /** Full, readable message (pcs_message). */
  message: string;
  referralId?: string | null;
  correlationId: string;
  occurredOn: Date;
  /** What changed (JSON Patch or column list), stored as JSON text. */
  changes?: unknown;
}

export function syncEventRecord(input: SyncEventInput): DataverseRecord {
  const relationship =
    input.table === 'opportunity' ? Relationships.opportunitySyncEvents : Relationships.leadSyncEvents;
  const entitySet = input.table === 'opportunity' ? EntitySets.opportunity : EntitySets.lead;
  return {
    [SyncEventColumns.name]: input.title.slice(0, NAME_MAX),
    [SyncEventColumns.direction]: SyncDirection[input.direction],
    [SyncEventColumns.outcome]: SyncOutcome[input.outcome],
    [SyncEventColumns.message]: input.message,
    [SyncEventColumns.referralId]: input.referralId ?? null,
    [SyncEventColumns.correlationId]: input.correlationId,
    [SyncEventColumns.occurredOn]: input.occurredOn.toISOString(),
    [SyncEventColumns.changes]: input.changes === undefined ? null : JSON.stringify(input.changes),
    [`${relationship.navigation}@odata.bind`]: `/${entitySet}(${input.recordId})`,
  };
}

/** The POST of one sync event row, for a change set. */
export const syncEventOperation = (input: SyncEventInput): BatchOperation => ({
  method: 'POST',
  entitySet: EntitySets.pcs_syncevent,
  record: syncEventRecord(input),
});

export const syncStatusFor = (outcome: Outcome): number =>
  outcome === 'failed' ? SyncStatus.error : SyncStatus.synced;

/** The change set: PATCH the record (when anything changed) + POST the sync event. */
export function writeBackOperations(
  table: 'opportunity' | 'lead',
  recordId: string,
  columns: DataverseRecord,
  event: SyncEventInput,
): BatchOperation[] {
  const entitySet = table === 'opportunity' ? EntitySets.opportunity : EntitySets.lead;
  const operations: BatchOperation[] = [];
  if (Object.keys(columns).length > 0) {
    operations.push({ method: 'PATCH', entitySet, id: recordId, record: columns });
  }
  operations.push(syncEventOperation(event));
  return operations;
}

const isDateTime = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));

/** Columns of `desired` whose value differs from `current` (loose: 5 and "5" are equal). */
export function changedColumns(current: DataverseRecord, desired: DataverseRecord): DataverseRecord {
  const same = (a: unknown, b: unknown) => {
    if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
    if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
    if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
    // Date-times: the same instant, however many fraction digits (Dataverse answers without them).
    if (isDateTime(a) && isDateTime(b)) return Date.parse(a) === Date.parse(b);
    // Dates: Dataverse returns date-only columns as `YYYY-MM-DD` and datetimes with a time part.
    return (
      String(a) === String(b) || String(a).slice(0, 10) === String(b) || String(b).slice(0, 10) === String(a)
    );
  };
  return Object.fromEntries(
    Object.entries(desired).filter(
      ([column, value]) => column.includes('@odata.bind') || !same(current[column], value),
    ),
  );
}
