/**
 * Reconciliation: Partner Center drops an event after 10 failed deliveries and Dataverse gives up on
 * async steps too, so the relay periodically lists referrals changed since a watermark and
 * opportunities with sync on changed by someone else since a watermark, and queues a sync for each.
 * Every sync is idempotent, so re-queuing something already in step costs a read and writes nothing;
 * what is known to be in step is not queued at all, so a run with nothing changed costs a few calls
 * whatever the data size (docs/reconciliation.md). It also queues the catalogue copy for solution
 * rows picked from the catalogue whose Solution ID is empty.
 */
import { EntitySets, OpportunityColumns, SyncStatus, SystemColumns } from '../../Domain/constants';
import { lookup, where } from '../../Domain/odataQuery';
import type { DataverseApi, Logger, ReferralListQuery, ReferralPage } from '../ports';
import type { SyncDeps } from './deps';
import { writtenEtagKey } from './deps';
import { opportunitySyncJob, referralPullJob } from '../ports';
import { queueEmptySolutionIds } from './solutionCatalogue';

export const WATERMARKS = {
  referrals: 'watermark:referrals',
  opportunities: 'watermark:opportunities',
} as const;

/** Referrals (id, updatedDateTime) read within the overlap below the referral watermark. */
const REFERRALS_IN_OVERLAP = 'watermark:referrals:overlap';
/** How far back the first run looks. */
const FIRST_RUN_LOOKBACK_MS = 24 * 3600 * 1000;
/** Overlap between runs: clocks of three systems disagree by a little. */
const OVERLAP_MS = 60_000;

export interface ReconcileResult {
  referrals: number;
  opportunities: number;
}

const relayUsers = new WeakMap<DataverseApi, Promise<string>>();
/** The relay's own Dataverse user (WhoAmI, asked once per client): the author of our writes. */
function relayUserId(deps: SyncDeps): Promise<string> {
  let user = relayUsers.get(deps.dataverse);
  if (!user) {
    user = deps.dataverse.whoAmI().then((answer) => answer.UserId.toLowerCase());
    // A failed WhoAmI is asked again by the next run.
    user.catch(() => relayUsers.delete(deps.dataverse));
    relayUsers.set(deps.dataverse, user);
  }
  return user;
}

/** Partner Center's list, most recently changed first: reading stops at the watermark. */
const NEWEST_FIRST: ReferralListQuery = { orderBy: [{ column: 'updatedDateTime', descending: true }] };

export async function reconcile(deps: SyncDeps, logger: Logger): Promise<ReconcileResult> {
  const startedAt = deps.clock.now();
  const since = async (key: string) => {
    const stored = await deps.store.getState(key);
    return stored
      ? new Date(Date.parse(stored) - OVERLAP_MS)
      : new Date(startedAt.getTime() - FIRST_RUN_LOOKBACK_MS);
  };

  const queuedReferrals = await queueChangedReferrals(deps, startedAt);

  // Solution rows picked from the catalogue whose id was never copied (the step's event was lost);
  // queued before the opportunity syncs below so that a sync of the same opportunity runs after it.
  const solutionCopies = await queueEmptySolutionIds(deps);
  if (solutionCopies)
    logger.info({ solutionCopies }, 'reconciliation queued solution ids from the catalogue');

  const opportunitiesSince = await since(WATERMARKS.opportunities);
  const opportunities = await deps.dataverse.retrieveMultiple(EntitySets.opportunity, {
    select: [OpportunityColumns.id],
    filter: where.and(
      where.eq(OpportunityColumns.syncWithPartnerCenter, true),
      where.gt(SystemColumns.modifiedOn, opportunitiesSince),
      // Our own write-backs (status, referral id, audit) move modifiedon on every synced record:
      // rows whose last change is ours are in step and stay on the server, so a run with nothing
      // changed reads nothing whatever the number of records. Rows our last sync marked Error are
      // read again: that failure is the change to retry.
      where.or(
        where.ne(lookup(SystemColumns.modifiedBy), await relayUserId(deps)),
        where.eq(OpportunityColumns.syncStatus, SyncStatus.error),
      ),
    ),
  });
  if (opportunities.length)
    await deps.store.enqueue(
      opportunities.map((opportunity) =>
        opportunitySyncJob({
          opportunityId: opportunity[OpportunityColumns.id] as string,
          reason: 'reconcile',
        }),
      ),
    );
  await deps.store.setState(WATERMARKS.opportunities, startedAt.toISOString());
  const result = { referrals: queuedReferrals, opportunities: opportunities.length };
  logger.info(result, 'reconciliation queued syncs');
  return result;
}

/**
 * Pulls every referral changed since the watermark. Filtering on updatedDateTime is undocumented
 * (partner-center-api.md §1.3), so the list is read newest first, page by page along its
 * @odata.nextLink, until an item older than the watermark (minus the overlap) or the last page.
 * Offset paging over a list ordered this way can only repeat an item (a change moves it to the
 * front), never skip one. The watermark moves to the newest change read, and only once reading
 * reached the old watermark: a run that fails part-way leaves it, and the next run reads it all again.
 * Changes inside the overlap that the previous run already queued are not queued twice.
 */
async function queueChangedReferrals(deps: SyncDeps, startedAt: Date): Promise<number> {
  const stored = await deps.store.getState(WATERMARKS.referrals);
  const since = stored
    ? new Date(Date.parse(stored) - OVERLAP_MS)
    : new Date(startedAt.getTime() - FIRST_RUN_LOOKBACK_MS);
  const queuedBefore = new Map<string, string>(
    JSON.parse((await deps.store.getState(REFERRALS_IN_OVERLAP)) ?? '[]') as Array<[string, string]>,
  );
  // Never moves back: a run that reads only the overlap keeps the stored watermark.
  let newest = stored ? new Date(stored) : since;
  const read = new Map<string, string>();
  let queued = 0;
  let next: string | null = null;
  let reachedWatermark = false;
  do {
    const page: ReferralPage = await deps.partnerCenter.listReferralPage(NEWEST_FIRST, next);
    const jobs = [];
    for (const referral of page.items) {
      const changedAt = referral.updatedDateTime;
      const updated = changedAt ? new Date(changedAt) : null;
      if (updated && updated < since) {
        reachedWatermark = true;
        break;
      }
      if (updated && updated > newest) newest = updated;
      if (changedAt) read.set(referral.id, changedAt);
      if (changedAt && queuedBefore.get(referral.id) === changedAt) continue;
      if ((await deps.store.getState(writtenEtagKey(referral.id))) === referral.eTag) continue;
      jobs.push(referralPullJob({ referralId: referral.id, eventName: 'reconcile', changedAt }, false));
    }
    // Queued page by page: what was read is never lost to a failure on a later page.
    if (jobs.length) await deps.store.enqueue(jobs);
    queued += jobs.length;
    next = page.next;
  } while (!reachedWatermark && next);
  const overlapStart = newest.getTime() - OVERLAP_MS;
  const inOverlap = [...read].filter(([, changedAt]) => Date.parse(changedAt) >= overlapStart);
  await deps.store.setState(REFERRALS_IN_OVERLAP, JSON.stringify(inOverlap));
  await deps.store.setState(WATERMARKS.referrals, newest.toISOString());
  return queued;
}
