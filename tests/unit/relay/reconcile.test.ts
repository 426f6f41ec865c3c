/**
 * Reconciliation's watermarks with a fake clock and fake ports: referrals are read newest first and
 * reading stops at the watermark (minus the clock-skew overlap); referrals whose eTag we wrote are
 * not pulled; opportunities are asked for with sync on and modified since the watermark.
 */
import { odataQueryString, type ODataQuery } from '../../../Domain/odataQuery';
import { silentLogger } from '../../../Relay/logging/logger';
import type { DataverseApi, PartnerCenterApi } from '../../../Relay/ports';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import type { SyncDeps } from '../../../Relay/sync/deps';
import { writtenEtagKey } from '../../../Relay/sync/deps';
import { reconcile, WATERMARKS } from '../../../Relay/sync/reconcile';

describe('reconcile', () => {
  const t = (iso: string) => new Date(iso);
  let now = t('2026-03-01T12:00:00Z');
  let store: SqliteStore;
  let referrals: Array<{ id: string; eTag: string; updatedDateTime: string }>;
  const opportunityQueries: string[] = [];

  const deps = (): SyncDeps =>
    ({
      store,
      clock: { now: () => now },
      partnerCenter: {
        listReferrals: async (query: { orderBy?: unknown }) => {
          expect(query.orderBy).toEqual([{ column: 'updatedDateTime', descending: true }]);
          return [...referrals].sort((a, b) => b.updatedDateTime.localeCompare(a.updatedDateTime));
        },
      } as unknown as PartnerCenterApi,
      dataverse: {
        retrieveMultiple: async (_set: string, query: ODataQuery) => {
          opportunityQueries.push(odataQueryString(query));
          return [{ opportunityid: 'o-1' }];
        },
      } as unknown as DataverseApi,
    }) as unknown as SyncDeps;

  const queuedKeys = async () => {
    const keys: string[] = [];
    for (let job = await store.claim(now); job; job = await store.claim(now)) {
      keys.push(job.key);
      await store.complete(job.id);
    }
    return keys.sort();
  };

  beforeEach(() => {
    now = t('2026-03-01T12:00:00Z');
    store = new SqliteStore({ filename: ':memory:', now: () => now });
    opportunityQueries.length = 0;
    referrals = [
      { id: 'r-old', eTag: 'e1', updatedDateTime: '2026-02-20T00:00:00Z' },
      { id: 'r-day', eTag: 'e2', updatedDateTime: '2026-03-01T01:00:00Z' },
      { id: 'r-ours', eTag: 'e3', updatedDateTime: '2026-03-01T11:00:00Z' },
    ];
  });
  afterEach(() => store.close());

  it('first run looks back a day, skips our own eTags, and sets both watermarks', async () => {
    await store.setState(writtenEtagKey('r-ours'), 'e3');
    expect(await reconcile(deps(), silentLogger)).toEqual({ referrals: 1, opportunities: 1 });
    expect(await queuedKeys()).toEqual(['opportunity:o-1', 'referral:r-day']);
    expect(await store.getState(WATERMARKS.referrals)).toBe('2026-03-01T11:00:00.000Z');
    expect(await store.getState(WATERMARKS.opportunities)).toBe('2026-03-01T12:00:00.000Z');
    expect(opportunityQueries[0]).toContain('pcs_syncwithpartnercenter eq true');
    expect(opportunityQueries[0]).toContain('modifiedon gt 2026-02-28T12:00:00.000Z');
  });

  it('later runs read only what changed since the watermark (with a one-minute overlap)', async () => {
    await reconcile(deps(), silentLogger);
    await queuedKeys();
    now = t('2026-03-01T12:10:00Z');
    referrals.push({ id: 'r-new', eTag: 'e4', updatedDateTime: '2026-03-01T12:05:00Z' });
    expect(await reconcile(deps(), silentLogger)).toEqual({ referrals: 2, opportunities: 1 });
    // The watermark was 11:00, so reading goes back to 10:59: r-ours (11:00) is in the overlap, r-day is not.
    expect(await queuedKeys()).toEqual(['opportunity:o-1', 'referral:r-new', 'referral:r-ours']);
    expect(opportunityQueries[1]).toContain('modifiedon gt 2026-03-01T11:59:00.000Z');
    expect(await store.getState(WATERMARKS.referrals)).toBe('2026-03-01T12:05:00.000Z');
  });
});
