/**
 * Reconciliation: Partner Center drops an event after 10 failed deliveries and Dataverse gives up on
 * async steps too, so the relay periodically lists referrals changed since a watermark and
 * opportunities with sync on modified since a watermark, and queues a sync for each. Every sync is
 * idempotent, so re-queuing something already in step costs one read and writes nothing. It also
 * queues the catalogue copy for solution rows picked from the catalogue whose Solution ID is empty.
 */
import { EntitySets, OpportunityColumns, SystemColumns } from '../../Domain/constants';
import { where } from '../../Domain/odataQuery';
import type { Logger } from '../ports';
import type { SyncDeps } from './deps';
import { writtenEtagKey } from './deps';
import { opportunitySyncJob, referralPullJob } from '../ports';
import { queueEmptySolutionIds } from './solutionCatalogue';

export const WATERMARKS = {
  referrals: 'watermark:referrals',
  opportunities: 'watermark:opportunities',
} as const;

/** How far back the first run looks. */
const FIRST_RUN_LOOKBACK_MS = 24 * 3600 * 1000;
/** Overlap between runs: clocks of three systems disagree by a little. */
const OVERLAP_MS = 60_000;
const PAGE = 200;

export interface ReconcileResult {
  referrals: number;
  opportunities: number;
}

export async function reconcile(deps: SyncDeps, logger: Logger): Promise<ReconcileResult> {
  const startedAt = deps.clock.now();
  const since = async (key: string) => {
    const stored = await deps.store.getState(key);
    return stored
      ? new Date(Date.parse(stored) - OVERLAP_MS)
      : new Date(startedAt.getTime() - FIRST_RUN_LOOKBACK_MS);
  };

  // Filtering on updatedDateTime is undocumented (partner-center-api.md §1.3): order by it and stop
  // reading at the watermark instead.
  const referralsSince = await since(WATERMARKS.referrals);
  const referrals = await deps.partnerCenter.listReferrals({
    orderBy: [{ column: 'updatedDateTime', descending: true }],
    top: PAGE,
  });
  let queuedReferrals = 0;
  let newest = referralsSince;
  for (const referral of referrals) {
    const updated = referral.updatedDateTime ? new Date(referral.updatedDateTime) : null;
    if (updated && updated < referralsSince) break;
    if (updated && updated > newest) newest = updated;
    if ((await deps.store.getState(writtenEtagKey(referral.id))) === referral.eTag) continue;
    await deps.store.enqueue([
      referralPullJob(
        { referralId: referral.id, eventName: 'reconcile', changedAt: referral.updatedDateTime },
        false,
      ),
    ]);
    queuedReferrals += 1;
  }
  await deps.store.setState(WATERMARKS.referrals, newest.toISOString());

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
    ),
  });
  for (const opportunity of opportunities) {
    await deps.store.enqueue([
      opportunitySyncJob({
        opportunityId: opportunity[OpportunityColumns.id] as string,
        reason: 'reconcile',
      }),
    ]);
  }
  await deps.store.setState(WATERMARKS.opportunities, startedAt.toISOString());
  const result = { referrals: queuedReferrals, opportunities: opportunities.length };
  logger.info(result, 'reconciliation queued syncs');
  return result;
}
