/**
 * Reconciliation's watermarks with the typed fakes and a fake clock: referrals are read newest first
 * and reading stops at the watermark (minus the clock-skew overlap); referrals whose eTag we wrote are
 * not pulled; opportunities are queued when sync is on and they changed since the watermark.
 */
import { EntitySets, OpportunityColumns } from '../../../Domain/constants';
import { silentLogger } from '../../../Relay/logging/logger';
import { writtenEtagKey } from '../../../Relay/sync/deps';
import { reconcile, WATERMARKS } from '../../../Relay/sync/reconcile';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

describe('reconcile', () => {
  let bed: SyncTestbed;
  let ids: Record<'old' | 'day' | 'ours' | 'synced' | 'private', string>;

  /** Microsoft sends a referral at `iso` (its updatedDateTime). */
  const incomingAt = (iso: string) => {
    bed.clock.set(iso);
    return bed.partnerCenter.referrals.createIncoming({});
  };
  const queuedKeys = async () => {
    const keys: string[] = [];
    for (
      let job = await bed.store.claim(bed.clock.now());
      job;
      job = await bed.store.claim(bed.clock.now())
    ) {
      keys.push(job.key);
      await bed.store.complete(job.id);
    }
    return keys.sort();
  };

  beforeEach(async () => {
    bed = createSyncTestbed();
    const ours = incomingAt('2026-03-01T11:00:00Z');
    bed.clock.set('2026-03-01T11:30:00Z');
    const synced = await createSeedOpportunity(bed.dataverse, { name: 'Synced deal' });
    const unshared = await createSeedOpportunity(bed.dataverse, { name: 'Private deal', sync: false });
    ids = {
      old: incomingAt('2026-02-20T00:00:00Z').id,
      day: incomingAt('2026-03-01T01:00:00Z').id,
      ours: ours.id,
      synced: synced.opportunityId,
      private: unshared.opportunityId,
    };
    bed.clock.set('2026-03-01T12:00:00Z');
  });

  it('first run looks back a day, skips our own eTags, and sets both watermarks', async () => {
    await bed.store.setState(writtenEtagKey(ids.ours), bed.partnerCenter.referral(ids.ours).eTag);
    expect(await reconcile(bed.deps, silentLogger)).toEqual({ referrals: 1, opportunities: 1 });
    expect(await queuedKeys()).toEqual([`opportunity:${ids.synced}`, `referral:${ids.day}`].sort());
    expect(await bed.store.getState(WATERMARKS.referrals)).toBe('2026-03-01T11:00:00.000Z');
    expect(await bed.store.getState(WATERMARKS.opportunities)).toBe('2026-03-01T12:00:00.000Z');
    expect(bed.dataverse.callsOf('retrieveMultiple', EntitySets.opportunity).map((c) => c.query)).toEqual([
      '?$select=opportunityid&$filter=pcs_syncwithpartnercenter eq true and modifiedon gt 2026-02-28T12:00:00.000Z',
    ]);
  });

  it('later runs read only what changed since the watermark (with a one-minute overlap)', async () => {
    await reconcile(bed.deps, silentLogger);
    await queuedKeys();
    const fresh = incomingAt('2026-03-01T12:05:00Z');
    await bed.dataverse.update(EntitySets.opportunity, ids.synced, {
      [OpportunityColumns.description]: 'v2',
    });
    await bed.dataverse.update(EntitySets.opportunity, ids.private, {
      [OpportunityColumns.description]: 'v2',
    });
    bed.clock.set('2026-03-01T12:10:00Z');
    expect(await reconcile(bed.deps, silentLogger)).toEqual({ referrals: 2, opportunities: 1 });
    // The watermark was 11:00, so reading goes back to 10:59: ours (11:00) is in the overlap, day is not.
    expect(await queuedKeys()).toEqual(
      [`opportunity:${ids.synced}`, `referral:${fresh.id}`, `referral:${ids.ours}`].sort(),
    );
    expect(bed.dataverse.callsOf('retrieveMultiple', EntitySets.opportunity).at(-1)?.query).toContain(
      'modifiedon gt 2026-03-01T11:59:00.000Z',
    );
    expect(await bed.store.getState(WATERMARKS.referrals)).toBe('2026-03-01T12:05:00.000Z');
  });
});
