/**
 * Dynamics 365 → Partner Center for one opportunity: one Web API read (opportunity + account +
 * customer contact + currency + solutions) → shared rules → idempotent create, or a PATCH of only
 * the changed paths under If-Match (412 → re-read and merge) → one `$batch` write-back.
 */
import { EntitySets, OpportunityColumns } from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import { opportunityQuery } from '../../Domain/mapping';
import type { OpportunitySnapshot } from '../../Domain/opportunity';
import type { ReferralPatchOperation, StoredReferral } from '../../Domain/referral';
import { ApiError } from '../ports';
import type { WebApiRecord } from '../ports';
import { withMark } from './checkmark';
import type { JobContext, SyncDeps } from './deps';
import { createdByUsKey, createInFlightKey } from './deps';
import { rememberHeldVersion } from './heldVersion';
import { clearPause, fieldMapOrPause } from './fieldMapPause';
import { showFailure } from './failures';
import type { PauseTarget } from './fieldMapPause';
import { ensureConnectedReferral } from './coSellCreation';
import { decideOutboundFor, outboundPatch, outboundSnapshot } from './outboundDecision';
import { retrieveOrNull } from './reads';
import { rememberReferralSolutions } from './solutionsMirror';
import { opportunityKey } from '../ports';
import type { OpportunityRespondPayload, OpportunitySyncPayload } from '../ports';
import {
  auditLine,
  changedColumns,
  prependAudit,
  referralColumns,
  syncStatusFor,
  writeBackOperations,
} from './writeBack';
import type { Outcome } from './writeBack';

const MAX_PRECONDITION_RETRIES = 3;

export type PushResult =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; message: string }
  | {
      outcome: 'succeeded';
      action: 'created' | 'updated' | 'unchanged' | 'closed';
      referral: StoredReferral;
    };

/** Opportunity read + snapshot with the ✔/✖ mark removed from the name (never sent to Partner Center). */
async function readOpportunity(
  deps: SyncDeps,
  opportunityId: string,
  map: FieldMap,
): Promise<{ record: WebApiRecord; snapshot: OpportunitySnapshot } | null> {
  const record = await retrieveOrNull(
    deps.dataverse,
    EntitySets.opportunity,
    opportunityId,
    opportunityQuery(map),
  );
  return record && { record, snapshot: outboundSnapshot(record) };
}

/** Who shows a paused push: the opportunity, unless there is nothing to push anyway. */
async function opportunityPauseTarget(
  deps: SyncDeps,
  opportunityId: string,
): Promise<PauseTarget | { skip: string }> {
  const row = await retrieveOrNull(deps.dataverse, EntitySets.opportunity, opportunityId, {
    select: [OpportunityColumns.syncWithPartnerCenter, OpportunityColumns.referralId],
  });
  if (!row) return { skip: 'opportunity no longer exists' };
  if (row[OpportunityColumns.syncWithPartnerCenter] !== true)
    return { skip: 'sync with Partner Center is off' };
  return {
    jobKey: opportunityKey(opportunityId),
    direction: 'toPartnerCenter',
    record: { table: 'opportunity', id: opportunityId },
    referralId: (row[OpportunityColumns.referralId] as string | null | undefined) ?? null,
  };
}

/** The field map, or the opportunity's sync paused (DeferJob) / skipped while the map is invalid. */
async function opportunityFieldMap(
  deps: SyncDeps,
  opportunityId: string,
  context: JobContext,
): Promise<{ map: FieldMap } | { skip: string }> {
  const mapped = await fieldMapOrPause(deps, context, () => opportunityPauseTarget(deps, opportunityId));
  if ('map' in mapped) await clearPause(deps, opportunityKey(opportunityId));
  return mapped;
}

const closingOperations = (
  closing: OpportunitySyncPayload['closing'],
  referral: StoredReferral,
): ReferralPatchOperation[] => {
  if (!closing || referral.status === 'Closed') return [];
  const operations: ReferralPatchOperation[] = [
    { op: 'replace', path: '/status', value: 'Closed' },
    { op: 'replace', path: '/substatus', value: closing.outcome === 'won' ? 'Won' : 'Lost' },
  ];
  if (closing.reason) operations.push({ op: 'replace', path: '/statusReason', value: closing.reason });
  return operations;
};

/** PATCH with If-Match; on 412 re-read and recompute against what Partner Center has now. Fields
 *  mapped toDataverse are never in our patch, so Microsoft-side edits to them survive; for fields
 *  mapped both ways this direction's value wins (the other direction re-syncs from its webhook). */
async function patchWithMerge(
  deps: SyncDeps,
  referral: StoredReferral,
  computeOperations: (current: StoredReferral) => ReferralPatchOperation[],
  context: JobContext,
): Promise<{ referral: StoredReferral; operations: ReferralPatchOperation[] }> {
  let current = referral;
  for (let attempt = 0; ; attempt += 1) {
    const operations = computeOperations(current);
    if (operations.length === 0) return { referral: current, operations };
    try {
      const updated = await deps.partnerCenter.patchReferral(current.id, operations, {
        ifMatch: current.eTag,
        correlationId: context.correlationId,
      });
      return { referral: updated, operations };
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 412) || attempt >= MAX_PRECONDITION_RETRIES)
        throw error;
      context.logger.info(
        { referralId: current.id },
        'referral changed meanwhile (412): re-reading and merging',
      );
      current = await deps.partnerCenter.getReferral(current.id, { correlationId: context.correlationId });
    }
  }
}

export async function pushOpportunity(
  deps: SyncDeps,
  payload: OpportunitySyncPayload,
  context: JobContext,
): Promise<PushResult> {
  const started = deps.clock.now();
  const stopTimer = deps.metrics?.syncDuration.startTimer({ direction: 'toPartnerCenter' });
  const mapped = await opportunityFieldMap(deps, payload.opportunityId, context);
  if ('skip' in mapped) return record(deps, { outcome: 'skipped', reason: mapped.skip });
  const { map } = mapped;
  const read = await readOpportunity(deps, payload.opportunityId, map);
  if (!read) return record(deps, { outcome: 'skipped', reason: 'opportunity no longer exists' });
  const { record: row, snapshot } = read;
  if (row[OpportunityColumns.syncWithPartnerCenter] !== true) {
    return record(deps, { outcome: 'skipped', reason: 'sync with Partner Center is off' });
  }
  const showMark = await deps.settings.showCheckmark();
  const correlation = { correlationId: context.correlationId };
  const linkedId = row[OpportunityColumns.referralId] as string | null | undefined;
  const coSellCreation = await deps.settings.coSellCreationFlow();
  const inFlightKey = createInFlightKey(payload.opportunityId);
  const createInFlight = !linkedId && (await deps.store.getState(inFlightKey)) !== null;
  const decision = await decideOutboundFor(
    snapshot,
    map,
    async () => {
      if (linkedId) return deps.partnerCenter.getReferral(linkedId, correlation);
      // A crash between POST and write-back leaves the referral unlinked: only then find it by our id.
      return createInFlight
        ? deps.partnerCenter.findByExternalReferenceId(payload.opportunityId, correlation)
        : null;
    },
    { coSellCreation },
  );
  if (decision.action === 'blocked') {
    const shown = await showFailure(
      deps,
      context,
      { table: 'opportunity', id: payload.opportunityId, direction: 'toPartnerCenter', row },
      { kind: 'invalid', problems: decision.problems },
    );
    stopTimer?.();
    return record(deps, { outcome: 'failed', message: shown?.message ?? '' });
  }

  let referral: StoredReferral;
  let action: 'created' | 'updated' | 'unchanged' | 'closed';
  let operations: ReferralPatchOperation[] = [];
  if (decision.action === 'create') {
    // Durable before the POST: if the answer or the write-back is lost, the retry searches first.
    await deps.store.setState(inFlightKey, started.toISOString());
    referral = await deps.partnerCenter.createReferral(decision.referral, correlation);
    action = 'created';
    await rememberHeldVersion(deps.store, referral);
    await deps.store.setState(createdByUsKey(referral.id), referral.eTag);
    if (payload.closing) {
      ({ referral, operations } = await patchWithMerge(
        deps,
        referral,
        (c) => closingOperations(payload.closing, c),
        context,
      ));
    }
  } else if (decision.action === 'none' && decision.reason === 'closed') {
    referral = decision.current;
    action = 'closed';
  } else {
    // Re-computed against each re-read on 412; closing rides along even when nothing else changed.
    ({ referral, operations } = await patchWithMerge(
      deps,
      decision.current,
      (current) => [...outboundPatch(snapshot, map, current), ...closingOperations(payload.closing, current)],
      context,
    ));
    action = operations.length > 0 ? 'updated' : 'unchanged';
  }
  await rememberHeldVersion(deps.store, referral);
  // What Partner Center lists now is what both sides agree on (the inbound solution mirror's baseline).
  await rememberReferralSolutions(deps.store, referral);
  // Two-step co-sell creation: the connected referral for Microsoft, once per engagement.
  const connected =
    decision.connected && referral.status !== 'Closed'
      ? await ensureConnectedReferral(deps, referral, decision.connected, correlation)
      : null;

  const title =
    {
      created: `Created referral ${referral.id}`,
      updated: `Updated referral (${operations.map((o) => o.path).join(', ')})`,
      unchanged: 'Referral already up to date',
      closed: `Referral is ${referral.status}/${referral.substatus}: Partner Center accepts no further changes`,
    }[action] + (connected ? `; created the connected referral for Microsoft ${connected.id}` : '');
  const wrote = await writeBack(deps, context, row, {
    outcome: action === 'closed' ? 'skipped' : 'succeeded',
    title,
    message: payload.closing ? `${title}; opportunity ${payload.closing.outcome}` : title,
    referral,
    showMark,
    changes: operations.length ? operations : undefined,
    onlyIfChanged: !connected && (action === 'unchanged' || action === 'closed'),
  });
  // The opportunity now names its referral: nothing left to search for.
  if (createInFlight || action === 'created') await deps.store.deleteState(inFlightKey);
  stopTimer?.();
  context.logger.info(
    { action, referralId: referral.id, wrote, ms: deps.clock.now().getTime() - started.getTime() },
    'pushed opportunity',
  );
  return record(deps, { outcome: 'succeeded', action, referral });
}

function record(deps: SyncDeps, result: PushResult): PushResult {
  deps.metrics?.syncOutcomes.inc({ direction: 'toPartnerCenter', outcome: result.outcome });
  return result;
}

interface WriteBackInput {
  outcome: Outcome;
  title: string;
  message: string;
  referral: StoredReferral | null;
  showMark: boolean;
  changes?: unknown;
  /** No-op syncs write nothing unless a relay-owned column is stale: this is what stops loops. */
  onlyIfChanged?: boolean;
}

async function writeBack(
  deps: SyncDeps,
  context: JobContext,
  row: WebApiRecord,
  input: WriteBackInput,
): Promise<boolean> {
  const now = deps.clock.now();
  const id = row[OpportunityColumns.id] as string;
  const name = row[OpportunityColumns.name] as string | null;
  const desired = {
    ...(input.referral ? referralColumns(input.referral) : {}),
    [OpportunityColumns.syncStatus]: syncStatusFor(input.outcome),
    ...(name
      ? {
          [OpportunityColumns.name]: withMark(
            name,
            input.showMark ? (input.outcome === 'failed' ? 'failed' : 'synced') : null,
          ),
        }
      : {}),
  };
  const changed = changedColumns(row, desired);
  if (input.onlyIfChanged && Object.keys(changed).length === 0) return false;
  const direction = 'toPartnerCenter' as const;
  const columns = {
    ...changed,
    [OpportunityColumns.lastSyncedOn]: now.toISOString(),
    [OpportunityColumns.audit]: prependAudit(
      row[OpportunityColumns.audit],
      auditLine(now, direction, input.outcome, input.message),
    ),
  };
  if (input.outcome === 'failed')
    delete (columns as Record<string, unknown>)[OpportunityColumns.lastSyncedOn];
  await deps.dataverse.executeBatch(
    writeBackOperations('opportunity', id, columns, {
      table: 'opportunity',
      recordId: id,
      direction,
      outcome: input.outcome,
      title: input.title,
      message: input.message,
      referralId: input.referral?.id ?? (row[OpportunityColumns.referralId] as string | null) ?? null,
      correlationId: context.correlationId,
      occurredOn: now,
      changes: input.changes,
    }),
  );
  return true;
}

/** Seller accepts or declines an incoming referral (PCF / form buttons → /api → queue). */
export async function respondToReferral(
  deps: SyncDeps,
  payload: OpportunityRespondPayload,
  context: JobContext,
): Promise<PushResult> {
  const mapped = await opportunityFieldMap(deps, payload.opportunityId, context);
  if ('skip' in mapped) return record(deps, { outcome: 'skipped', reason: mapped.skip });
  const { map } = mapped;
  const read = await readOpportunity(deps, payload.opportunityId, map);
  const referralId = read?.record[OpportunityColumns.referralId] as string | undefined;
  if (!read || !referralId)
    return record(deps, { outcome: 'skipped', reason: 'opportunity has no referral' });
  const showMark = await deps.settings.showCheckmark();
  const correlation = { correlationId: context.correlationId };
  const current = await deps.partnerCenter.getReferral(referralId, correlation);
  if (current.status !== 'New') {
    return record(deps, {
      outcome: 'skipped',
      reason: `referral is already ${current.status}/${current.substatus}`,
    });
  }
  const accept = payload.action === 'accept';
  const { referral, operations } = await patchWithMerge(
    deps,
    current,
    (c) =>
      c.status !== 'New'
        ? []
        : [
            { op: 'replace', path: '/status', value: accept ? 'Active' : 'Closed' },
            { op: 'replace', path: '/substatus', value: accept ? 'Accepted' : 'Declined' },
            ...(payload.reason
              ? [{ op: 'replace' as const, path: '/statusReason', value: payload.reason }]
              : []),
          ],
    context,
  );
  await rememberHeldVersion(deps.store, referral);
  const title = accept
    ? 'Accepted the referral'
    : `Declined the referral${payload.reason ? `: ${payload.reason}` : ''}`;
  await writeBack(deps, context, read.record, {
    outcome: 'succeeded',
    title,
    message: title,
    referral,
    showMark,
    changes: operations,
  });
  return record(deps, { outcome: 'succeeded', action: 'updated', referral });
}
