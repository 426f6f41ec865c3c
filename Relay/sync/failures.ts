/**
 * The one place that turns a sync failing for good into what the record shows: ✖ on the opportunity
 * name (when pcs_ShowCheckmarkInName is on), sync status Error, an audit line and one failed
 * `pcs_syncevent` — in the record owner's language, with a next step and never the raw answer of
 * Partner Center or Dataverse. Callers: the sync handlers (rules block the share, field map invalid)
 * and the worker when it dead-letters a job (4xx, missing permission, unreadable data, retries spent).
 */
import { EntitySets, LeadColumns, OpportunityColumns, SyncStatus } from '../../Domain/constants';
import type { MessageLcid } from '../../Domain/messages';
import type { DataverseRecord, Problem } from '../../Domain/opportunity';
import { where } from '../../Domain/odataQuery';
import { problemMessage } from '../../Domain/rules';
import { ApiError, JobKinds } from '../ports';
import type { Job, ServiceName, WebApiRecord } from '../ports';
import { withMark } from './checkmark';
import type { JobContext, SyncDeps } from './deps';
import { failureMessage, failureTitle, fieldList, fieldsOfPaths } from './failureMessages';
import type { FailureField } from './failureMessages';
import { ownerLanguage } from './language';
import { retrieveOrNull } from './reads';
import type { DeadLetterHandler } from './worker';
import { isPermanent } from './worker';
import { auditLine, changedColumns, prependAudit, writeBackOperations } from './writeBack';
import type { Direction } from './writeBack';

/** Why the sync of a record stopped, in terms the record can show. */
export type Failure =
  /** The sharing rules block the opportunity (nothing was sent). */
  | { kind: 'invalid'; problems: Problem[] }
  /** The field map is invalid: the job is parked until it is fixed. `message` is the English text. */
  | { kind: 'paused'; message: string; errors: string[]; forms: string[]; formsToFix: string[] }
  /** Partner Center (or Dataverse) answered 4xx to what we sent; `fields` it named, if any. */
  | {
      kind: 'rejected';
      service: ServiceName;
      status: number | null;
      code: string | null;
      fields: FailureField[];
    }
  /** 401 / 403: the relay's identity lacks a right. */
  | { kind: 'forbidden'; service: ServiceName; status: number }
  /** Partner Center sent a referral that does not parse (JSON path of the first bad value). */
  | { kind: 'unreadable'; path: string }
  /** Transient errors until the attempts ran out (5xx, timeouts, throttling, conflicts). */
  | { kind: 'deadLetter'; service: ServiceName | null; status: number | null; attempts: number };

export interface FailureTarget {
  table: 'opportunity' | 'lead';
  id: string;
  direction: Direction;
  referralId?: string | null;
  /** The row when the caller read it already (opportunity: name, audit, sync status, referral id). */
  row?: WebApiRecord;
}

/** JSON paths Partner Center named in its error envelope (`data`), from the client's error cause. */
function pathsInError(error: ApiError): string[] {
  const cause = error.details.cause as { body?: unknown; data?: unknown } | undefined;
  let body: unknown = cause;
  if (typeof cause?.body === 'string') {
    try {
      body = JSON.parse(cause.body) as unknown;
    } catch {
      return [];
    }
  }
  const data = (body as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? data.filter((p): p is string => typeof p === 'string') : [];
}

/** What kind of failure a dead-lettered job's error is. */
export function failureOf(error: unknown, attempts: number): Failure {
  if (error instanceof Error && error.name === 'ValidationError') {
    return { kind: 'unreadable', path: (error as Error & { path?: string }).path ?? '$' };
  }
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    return { kind: 'forbidden', service: error.details.service, status: error.status };
  }
  if (isPermanent(error)) {
    const api = error instanceof ApiError ? error : null;
    return {
      kind: 'rejected',
      // A request we refused to build (a non-GUID id) would have been Dataverse's to reject.
      service: api?.details.service ?? 'dataverse',
      status: api?.status ?? null,
      code: api?.details.code ?? null,
      fields: api && api.details.service === 'partnercenter' ? fieldsOfPaths(pathsInError(api)) : [],
    };
  }
  return {
    kind: 'deadLetter',
    service: error instanceof ApiError ? error.details.service : null,
    status: error instanceof ApiError ? error.status : null,
    attempts,
  };
}

/** Title and message of a failure in the seller's language; `reference` lets an admin find the job. */
export function describeFailure(
  failure: Failure,
  lcid: MessageLcid,
  reference: string,
  direction: Direction,
): { title: string; message: string } {
  switch (failure.kind) {
    case 'invalid':
      return {
        title: failureTitle('invalid', lcid),
        message: failure.problems.map((p) => problemMessage(p, lcid)).join(' '),
      };
    case 'paused': {
      // The field-map source words the English text (it names the forms and what to fix); the other
      // languages carry its validator details, which name entries and paths, not prose.
      if (lcid === 1033) return { title: failureTitle('paused', lcid), message: failure.message };
      const forms = failure.formsToFix.length ? ` — "${failure.formsToFix.join('", "')}"` : '';
      const reason = `${failure.errors.join('; ')}${forms}`;
      return { title: failureTitle('paused', lcid), message: failureMessage('paused', lcid, { reason }) };
    }
    case 'rejected':
      if (failure.service !== 'partnercenter')
        return {
          title: failureTitle('refused', lcid),
          message: failureMessage('refused', lcid, { reference }),
        };
      return {
        title: failureTitle('rejected', lcid),
        message: failure.fields.length
          ? failureMessage('rejectedFields', lcid, { fields: fieldList(failure.fields, lcid), reference })
          : failureMessage('rejected', lcid, { reference }),
      };
    case 'forbidden':
      return {
        title: failureTitle('forbidden', lcid),
        message: failureMessage(
          failure.service === 'partnercenter' ? 'forbiddenPartnerCenter' : 'forbiddenDataverse',
          lcid,
          { reference },
        ),
      };
    case 'unreadable':
      return {
        title: failureTitle('unreadable', lcid),
        message: failureMessage('unreadable', lcid, { path: failure.path, reference }),
      };
    case 'deadLetter':
      return {
        title: failureTitle('deadLetter', lcid),
        message: failureMessage(
          direction === 'toPartnerCenter' ? 'deadLetterToPartnerCenter' : 'deadLetterToDataverse',
          lcid,
          { attempts: String(failure.attempts), reference },
        ),
      };
  }
}

/** What the sync event's `pcs_changes` keeps for an admin: the kind and the facts, no response body. */
function failureChanges(failure: Failure, reference: string): unknown {
  switch (failure.kind) {
    case 'invalid':
      return failure.problems;
    case 'paused':
      return { paused: true, forms: failure.forms, formsToFix: failure.formsToFix, errors: failure.errors };
    default:
      return { ...failure, reference };
  }
}

const rowColumns = {
  opportunity: [
    OpportunityColumns.name,
    OpportunityColumns.audit,
    OpportunityColumns.syncStatus,
    OpportunityColumns.referralId,
  ],
  lead: [LeadColumns.syncStatus, LeadColumns.referralId],
};

/**
 * Show the failure on its record, in one change set. Returns the texts written, or null when the
 * record no longer exists.
 */
export async function showFailure(
  deps: SyncDeps,
  context: JobContext,
  target: FailureTarget,
  failure: Failure,
  reference: string = context.correlationId,
): Promise<{ title: string; message: string } | null> {
  const entitySet = target.table === 'opportunity' ? EntitySets.opportunity : EntitySets.lead;
  const row =
    target.row ??
    (await retrieveOrNull(deps.dataverse, entitySet, target.id, { select: rowColumns[target.table] }));
  if (!row) return null;
  const now = deps.clock.now();
  const lcid = await ownerLanguage(deps.languages, entitySet, target.id);
  const text = describeFailure(failure, lcid, reference, target.direction);
  const desired: DataverseRecord = {};
  let columns: DataverseRecord;
  if (target.table === 'opportunity') {
    const name = row[OpportunityColumns.name] as string | null | undefined;
    if (name && (await deps.settings.showCheckmark()))
      desired[OpportunityColumns.name] = withMark(name, 'failed');
    desired[OpportunityColumns.syncStatus] = SyncStatus.error;
    columns = {
      ...changedColumns(row, desired),
      [OpportunityColumns.audit]: prependAudit(
        row[OpportunityColumns.audit],
        auditLine(now, target.direction, 'failed', text.message),
      ),
    };
  } else {
    desired[LeadColumns.syncStatus] = SyncStatus.error;
    columns = changedColumns(row, desired);
  }
  const referralColumn =
    target.table === 'opportunity' ? OpportunityColumns.referralId : LeadColumns.referralId;
  await deps.dataverse.executeBatch(
    writeBackOperations(target.table, target.id, columns, {
      table: target.table,
      recordId: target.id,
      direction: target.direction,
      outcome: 'failed',
      title: text.title,
      message: text.message,
      referralId: target.referralId ?? (row[referralColumn] as string | null | undefined) ?? null,
      correlationId: context.correlationId,
      occurredOn: now,
      changes: failureChanges(failure, reference),
    }),
  );
  return text;
}

/** The record a referral job is about: the opportunity, else the lead, linked to that referral id. */
async function linkedToReferral(deps: SyncDeps, referralId: string): Promise<FailureTarget | null> {
  for (const [table, entitySet, idColumn, referralColumn] of [
    ['opportunity', EntitySets.opportunity, OpportunityColumns.id, OpportunityColumns.referralId],
    ['lead', EntitySets.lead, LeadColumns.id, LeadColumns.referralId],
  ] as const) {
    const [row] = await deps.dataverse.retrieveMultiple(entitySet, {
      select: [idColumn],
      filter: where.eq(referralColumn, referralId),
      top: 1,
    });
    if (row) return { table, id: row[idColumn] as string, direction: 'toDataverse', referralId };
  }
  return null;
}

/** Microsoft's referral is not on our record: find ours through the engagement both belong to. */
async function linkedToEngagement(
  deps: SyncDeps,
  relatedReferralId: string,
  context: JobContext,
): Promise<FailureTarget | null> {
  let engagementId: string | null | undefined;
  try {
    engagementId = (
      await deps.partnerCenter.getReferral(relatedReferralId, { correlationId: context.correlationId })
    ).engagementId;
  } catch {
    return null; // Partner Center is what failed: the job stays in the dead-letter list for the admin.
  }
  if (!engagementId) return null;
  const [row] = await deps.dataverse.retrieveMultiple(EntitySets.opportunity, {
    select: [OpportunityColumns.id, OpportunityColumns.referralId],
    filter: where.eq(OpportunityColumns.engagementId, engagementId),
    top: 1,
  });
  return row
    ? { table: 'opportunity', id: row[OpportunityColumns.id] as string, direction: 'toDataverse' }
    : null;
}

async function deadLetterTarget(
  deps: SyncDeps,
  job: Job,
  context: JobContext,
): Promise<FailureTarget | null> {
  const payload = job.payload as Record<string, unknown>;
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : null);
  switch (job.kind) {
    case JobKinds.opportunitySync:
    case JobKinds.opportunityRespond:
    case JobKinds.solutionFromCatalogue: {
      const id = text('opportunityId');
      return id ? { table: 'opportunity', id, direction: 'toPartnerCenter' } : null;
    }
    case JobKinds.leadSync: {
      const id = text('leadId');
      return id ? { table: 'lead', id, direction: 'toPartnerCenter' } : null;
    }
    case JobKinds.referralPull: {
      const id = text('referralId');
      return id ? linkedToReferral(deps, id) : null;
    }
    case JobKinds.relatedReferralPull: {
      const id = text('referralId');
      return id ? linkedToEngagement(deps, id, context) : null;
    }
    default:
      // customer.changed concerns every deal of an account or contact: the log and dead-letter list say so.
      return null;
  }
}

/** The worker's dead-letter hook: the record the job was about shows why its sync stopped. */
export function createDeadLetterReporter(deps: SyncDeps): DeadLetterHandler {
  return async (job, error, context) => {
    const target = await deadLetterTarget(deps, job, context);
    if (!target) {
      context.logger.warn({ jobId: job.id, kind: job.kind }, 'dead letter concerns no record');
      return;
    }
    const shown = await showFailure(deps, context, target, failureOf(error, job.attempts), job.id);
    context.logger.info(
      { jobId: job.id, table: target.table, recordId: target.id },
      shown ? 'dead letter shown on its record' : 'dead letter: its record no longer exists',
    );
  };
}
