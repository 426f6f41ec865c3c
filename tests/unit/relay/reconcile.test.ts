/**
 * Reconciliation's watermarks with the typed fakes and a fake clock: referrals are read newest first
 * and reading stops at the watermark (minus the clock-skew overlap); referrals whose eTag we wrote are
 * not pulled; opportunities are queued when sync is on and they changed since the watermark. The
 * referral list is followed page by page (the fake pages 100 at a time, as the simulator does) until
 * the watermark, and the watermark moves only over what was read.
 */
import { EntitySets, OpportunityColumns, SyncStatus } from '../../../Domain/constants';
import { silentLogger } from '../../../Relay/logging/logger';
import { writtenEtagKey } from '../../../Relay/sync/deps';
import { reconcile, WATERMARKS } from '../../../Relay/sync/reconcile';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

const SELLER = '5e11e400-0000-4000-8000-0000000000c1';

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
    // A seller's deals (the relay's own writes are recognised and not read back).
    bed.dataverse.writerId = SELLER;
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
      '?$select=opportunityid&$filter=pcs_syncwithpartnercenter eq true and modifiedon gt 2026-02-28T12:00:00.000Z' +
        ` and (_modifiedby_value ne ${bed.dataverse.appUserId} or pcs_syncstatus eq ${SyncStatus.error})`,
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
    expect(await reconcile(bed.deps, silentLogger)).toEqual({ referrals: 1, opportunities: 1 });
    // The watermark was 11:00, so reading goes back to 10:59: ours (11:00) is in the overlap, but the
    // run before queued it at this very version; day is not in the overlap.
    expect(await queuedKeys()).toEqual([`opportunity:${ids.synced}`, `referral:${fresh.id}`].sort());
    expect(bed.dataverse.callsOf('retrieveMultiple', EntitySets.opportunity).at(-1)?.query).toContain(
      'modifiedon gt 2026-03-01T11:59:00.000Z',
    );
    expect(await bed.store.getState(WATERMARKS.referrals)).toBe('2026-03-01T12:05:00.000Z');
  });
});

describe('reconcile reads only opportunities someone else changed', () => {
  let bed: SyncTestbed;
  let deals: string[];
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
  /** The relay writes back on a synced deal: status, referral id (as its own user). */
  const relayWritesBack = (id: string, status = SyncStatus.synced) => {
    bed.dataverse.writerId = null;
    return bed.dataverse.update(EntitySets.opportunity, id, { [OpportunityColumns.syncStatus]: status });
  };

  beforeEach(async () => {
    bed = createSyncTestbed({ now: '2026-03-01T11:00:00Z' });
    bed.dataverse.writerId = SELLER;
    deals = [];
    for (let i = 0; i < 300; i += 1)
      deals.push((await createSeedOpportunity(bed.dataverse, { name: `Deal ${i}` })).opportunityId);
    bed.clock.set('2026-03-01T11:10:00Z');
    for (const id of deals) await relayWritesBack(id);
    bed.clock.set('2026-03-01T12:00:00Z');
  });

  it('with 300 deals in step, a run queues nothing and makes 4 calls (WhoAmI once), the next 3', async () => {
    const calls = () => bed.dataverse.calls.length + bed.partnerCenter.calls.length;
    let before = calls();
    expect(await reconcile(bed.deps, silentLogger)).toEqual({ referrals: 0, opportunities: 0 });
    expect(calls() - before).toBe(4);
    expect(await queuedKeys()).toEqual([]);

    bed.clock.set('2026-03-01T12:05:00Z');
    before = calls();
    await reconcile(bed.deps, silentLogger);
    expect(calls() - before).toBe(3);
    expect(bed.dataverse.callsOf('whoAmI')).toHaveLength(1);
  });

  it("queues a seller's edit and a failure the relay wrote, not the relay's own successful write-back", async () => {
    await reconcile(bed.deps, silentLogger);
    bed.clock.set('2026-03-01T12:02:00Z');
    bed.dataverse.writerId = SELLER;
    await bed.dataverse.update(EntitySets.opportunity, deals[0]!, { [OpportunityColumns.description]: 'v2' });
    await relayWritesBack(deals[1]!, SyncStatus.error);
    await relayWritesBack(deals[2]!);
    bed.clock.set('2026-03-01T12:05:00Z');
    expect((await reconcile(bed.deps, silentLogger)).opportunities).toBe(2);
    expect(await queuedKeys()).toEqual([`opportunity:${deals[0]}`, `opportunity:${deals[1]}`].sort());
  });
});

describe('reconcile follows the referral list page by page', () => {
  let bed: SyncTestbed;
  const pages = () => bed.partnerCenter.callsOf('listReferralPage').length;
  const queued = async () => (await bed.store.depth()).queued;

  /** Microsoft sends `count` referrals a second apart, and every webhook is lost. */
  const dropped = (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      bed.clock.advance(1000);
      ids.push(bed.partnerCenter.referrals.createIncoming({}).id);
    }
    return ids;
  };

  beforeEach(() => {
    bed = createSyncTestbed({ now: '2026-03-01T08:00:00Z' });
  });

  it('recovers all 260 referrals whose webhooks were dropped, then reads one page when nothing changed', async () => {
    dropped(260);
    bed.clock.set('2026-03-01T12:00:00Z');
    expect((await reconcile(bed.deps, silentLogger)).referrals).toBe(260);
    expect(await queued()).toBe(260);
    expect(pages()).toBe(3);
    expect(await bed.store.getState(WATERMARKS.referrals)).toBe('2026-03-01T08:04:20.000Z');

    bed.clock.set('2026-03-01T12:05:00Z');
    // The one-minute overlap is read again, but its 61 referrals were queued at these versions already.
    expect((await reconcile(bed.deps, silentLogger)).referrals).toBe(0);
    expect(pages()).toBe(4);
    expect(await bed.store.getState(WATERMARKS.referrals)).toBe('2026-03-01T08:04:20.000Z');
  });

  it('stops at the watermark: only the pages newer than it are read', async () => {
    dropped(150);
    bed.clock.set('2026-03-01T12:00:00Z');
    await reconcile(bed.deps, silentLogger);
    bed.clock.set('2026-03-01T12:01:00Z');
    const fresh = dropped(130);
    bed.clock.set('2026-03-01T12:10:00Z');
    const before = pages();
    // 130 new ones and one page of older ones to reach the watermark: 2 pages of 100, not all 3.
    expect((await reconcile(bed.deps, silentLogger)).referrals).toBe(130);
    expect(pages() - before).toBe(2);
    expect(await bed.store.getState(WATERMARKS.referrals)).toBe(
      new Date(Date.parse(bed.partnerCenter.referral(fresh.at(-1)!).updatedDateTime!)).toISOString(),
    );
  });

  it('keeps the watermark when a page fails part-way, and the next run reads everything again', async () => {
    dropped(260);
    bed.clock.set('2026-03-01T12:00:00Z');
    const original = bed.partnerCenter.listReferralPage.bind(bed.partnerCenter);
    const spy = jest
      .spyOn(bed.partnerCenter, 'listReferralPage')
      .mockImplementationOnce(original)
      .mockImplementationOnce(async () => {
        throw new Error('Partner Center unavailable');
      });
    await expect(reconcile(bed.deps, silentLogger)).rejects.toThrow('Partner Center unavailable');
    // The first page's 100 are queued; the watermark did not move past the 160 never read.
    expect(await queued()).toBe(100);
    expect(await bed.store.getState(WATERMARKS.referrals)).toBeNull();
    spy.mockRestore();

    expect((await reconcile(bed.deps, silentLogger)).referrals).toBe(260);
    expect(await queued()).toBe(260); // the first page's jobs were already there
    expect(await bed.store.getState(WATERMARKS.referrals)).toBe('2026-03-01T08:04:20.000Z');
  });

  it('never moves the watermark back while nothing changes', async () => {
    await reconcile(bed.deps, silentLogger);
    const first = await bed.store.getState(WATERMARKS.referrals);
    expect(first).toBe('2026-02-28T08:00:00.000Z'); // the first run's one-day look-back
    bed.clock.advance(5 * 60_000);
    await reconcile(bed.deps, silentLogger);
    expect(await bed.store.getState(WATERMARKS.referrals)).toBe(first);
  });
});
