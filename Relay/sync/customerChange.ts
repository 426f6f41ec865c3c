/**
 * Fixing the cause turns ✖ into ✔ by itself. A deal is blocked when its account's country is not ISO-2
 * or its customer contact lacks what co-sell needs; the seller fixes the account or the contact, not
 * the opportunity. The plug-in steps on account and contact Update (filtered to the columns the sharing
 * rules read, Plugins/manifest.ts) queue this look-up, which queues a sync of every opportunity of that
 * customer that has sync on and is in error. Deals already in step are left alone: the change is not
 * one Partner Center accepts on an existing referral (customer profile) or it reaches them on their
 * next sync.
 */
import { EntitySets, OpportunityColumns, SyncStatus } from '../../Domain/constants';
import { guid, lookup, where } from '../../Domain/odataQuery';
import { opportunitySyncJob } from '../ports';
import type { CustomerChangedPayload } from '../ports';
import type { JobContext, SyncDeps } from './deps';

/** The opportunity lookup that links a deal to this kind of customer row. */
const LINK = {
  account: OpportunityColumns.parentAccount,
  contact: OpportunityColumns.parentContact,
} as const;

export async function resyncDealsInError(
  deps: SyncDeps,
  payload: CustomerChangedPayload,
  context: JobContext,
): Promise<{ queued: number }> {
  const deals = await deps.dataverse.retrieveMultiple(EntitySets.opportunity, {
    select: [OpportunityColumns.id],
    filter: where.and(
      where.eq(lookup(LINK[payload.table]), guid(payload.id)),
      where.eq(OpportunityColumns.syncWithPartnerCenter, true),
      where.eq(OpportunityColumns.syncStatus, SyncStatus.error),
    ),
  });
  if (deals.length) {
    await deps.store.enqueue(
      deals.map((deal) =>
        opportunitySyncJob(
          { opportunityId: String(deal[OpportunityColumns.id]), reason: `${payload.table} changed` },
          context.correlationId,
        ),
      ),
    );
  }
  return { queued: deals.length };
}
