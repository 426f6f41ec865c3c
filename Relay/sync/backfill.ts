/**
 * Backfill: bring referrals that existed before the relay (or older than reconciliation's first
 * 24 h look-back) into Dataverse. It pages through Partner Center's referral list and hands each
 * referral to the one inbound sync (pullReferral), so it creates exactly what a webhook would and
 * finds records already linked by pcs_referralid or externalReferenceId instead of duplicating them.
 *
 * The list is read newest change first, as reconciliation reads it: a referral changed while the
 * backfill runs moves to the front, so offset paging can repeat an item but never skip one, and a
 * repeat costs nothing (its eTag is the one we wrote). After every page the position (the page's
 * @odata.nextLink) and the counts are checkpointed in the store, so an interrupted run resumes there.
 * Throttling (429 + Retry-After) is handled by the HTTP clients' retry layer (Relay/http/retry.ts).
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_FIELD_MAP } from '../../Domain/fieldMap';
import type { StoredReferral } from '../../Domain/referral';
import { referralPullJob } from '../ports';
import type { Logger, PartnerCenterApi, ReferralListQuery } from '../ports';
import type { SyncDeps } from './deps';
import { writtenEtagKey } from './deps';
import { pullReferral } from './fromPartnerCenter';
import { findLinkedRecord } from './linkedRecord';

/** Where an interrupted backfill resumes (JSON of BackfillCheckpoint). */
export const BACKFILL_CHECKPOINT = 'backfill:checkpoint';

export interface BackfillOptions {
  /** Only referrals changed at or after this instant; null = every referral. */
  since: Date | null;
  /** Read and classify, write nothing (no records, no checkpoint). */
  dryRun?: boolean;
  /** Referrals pulled at once (each pull is a few sequential calls). */
  concurrency?: number;
}

export interface BackfillCounts {
  pages: number;
  read: number;
  created: number;
  updated: number;
  /** Already in Dataverse as this version (eTag we wrote, or nothing to change). */
  unchanged: number;
  /** Left alone by the inbound sync (e.g. the connected referral of our own co-sell deal). */
  skipped: number;
  /** Could not be pulled now: queued for the relay's worker, which retries it. */
  queued: number;
}

export interface BackfillResult {
  counts: BackfillCounts;
  /** The run continued an interrupted one. */
  resumed: boolean;
  /** False only when stopped early by `shouldStop`: the checkpoint is kept. */
  complete: boolean;
}

interface BackfillCheckpoint {
  since: string | null;
  next: string | null;
  counts: BackfillCounts;
}

export interface BackfillHooks {
  /** After every page, with the counts so far and whether more pages follow. */
  onPage?(counts: BackfillCounts, more: boolean): void;
  /** Asked between pages: true stops the run at a checkpoint (SIGINT, tests). */
  shouldStop?(): boolean;
}

const zeroCounts = (): BackfillCounts => ({
  pages: 0,
  read: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  queued: 0,
});

// No $top: in OData it caps the whole result, not the page; Partner Center chooses the page size.
const NEWEST_FIRST: ReferralListQuery = { orderBy: [{ column: 'updatedDateTime', descending: true }] };

export async function backfill(
  deps: SyncDeps,
  logger: Logger,
  options: BackfillOptions,
  hooks: BackfillHooks = {},
): Promise<BackfillResult> {
  const since = options.since?.toISOString() ?? null;
  const sinceMs = options.since?.getTime() ?? null;
  const stored = options.dryRun ? null : await deps.store.getState(BACKFILL_CHECKPOINT);
  const previous = stored ? (JSON.parse(stored) as BackfillCheckpoint) : null;
  // A checkpoint of another range is not this run's: start over (every pull is idempotent anyway).
  const resumed = previous !== null && previous.since === since && previous.next !== null;
  const counts = resumed ? previous.counts : zeroCounts();
  let next: string | null = resumed ? previous.next : null;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  do {
    if (hooks.shouldStop?.()) return { counts, resumed, complete: false };
    const page = await deps.partnerCenter.listReferralPage(NEWEST_FIRST, next);
    let reachedSince = false;
    const items: StoredReferral[] = [];
    for (const referral of page.items) {
      if (sinceMs !== null && referral.updatedDateTime && Date.parse(referral.updatedDateTime) < sinceMs) {
        reachedSince = true;
        break;
      }
      items.push(referral);
    }
    for (let i = 0; i < items.length; i += concurrency) {
      const outcomes = await Promise.all(
        items.slice(i, i + concurrency).map((referral) => bringIn(deps, logger, referral, options.dryRun)),
      );
      for (const outcome of outcomes) counts[outcome] += 1;
    }
    counts.pages += 1;
    counts.read += items.length;
    next = reachedSince ? null : page.next;
    if (!options.dryRun) {
      await deps.store.setState(BACKFILL_CHECKPOINT, JSON.stringify({ since, next, counts }));
    }
    hooks.onPage?.(counts, next !== null);
  } while (next);
  if (!options.dryRun) await deps.store.deleteState(BACKFILL_CHECKPOINT);
  return { counts, resumed, complete: true };
}

type Outcome = Exclude<keyof BackfillCounts, 'pages' | 'read'>;

async function bringIn(
  deps: SyncDeps,
  logger: Logger,
  referral: StoredReferral,
  dryRun = false,
): Promise<Outcome> {
  // This very version is what we last wrote or read into Dataverse: nothing to do, no call.
  if ((await deps.store.getState(writtenEtagKey(referral.id))) === referral.eTag) return 'unchanged';
  if (dryRun) {
    // The map only chooses the columns read back; whether a record is linked does not depend on it.
    const linked = await findLinkedRecord(deps, referral, DEFAULT_FIELD_MAP);
    if (linked?.linkedToReferral) return 'skipped';
    return linked ? 'updated' : 'created';
  }
  const correlationId = randomUUID();
  const context = { logger: logger.child({ correlationId, referralId: referral.id }), correlationId };
  const payload = { referralId: referral.id, eventName: 'backfill', changedAt: referral.updatedDateTime };
  try {
    const result = await pullReferral(withReferralInHand(deps, referral), payload, context);
    if (result.outcome === 'skipped') return 'skipped';
    return result.action;
  } catch (error) {
    // Nothing is lost: the relay's worker retries it with its backoff and dead-letters it if need be.
    context.logger.warn({ err: error }, 'backfill could not pull the referral now: queued for the relay');
    await deps.store.enqueue([referralPullJob(payload, false)]);
    return 'queued';
  }
}

/**
 * The pull reads the referral first because a webhook carries only its id; here the list page has
 * just given it. Only a listed referral with its eTag stands in for that read: the eTag is what the
 * pull compares with the one we wrote and sends as If-Match when it links our record. Every other
 * call goes to Partner Center as before.
 */
function withReferralInHand(deps: SyncDeps, referral: StoredReferral): SyncDeps {
  if (!referral.eTag) return deps;
  const partnerCenter = deps.partnerCenter;
  const getReferral: PartnerCenterApi['getReferral'] = (id, options) =>
    id === referral.id ? Promise.resolve(referral) : partnerCenter.getReferral(id, options);
  return {
    ...deps,
    partnerCenter: new Proxy(partnerCenter, {
      get: (target, property) => {
        if (property === 'getReferral') return getReferral;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  };
}
