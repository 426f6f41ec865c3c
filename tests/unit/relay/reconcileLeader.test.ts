/**
 * Replicas sharing a PostgreSQL queue all serve webhooks and run workers, but only the elected
 * leader reconciles: a follower never lists referrals, and a replica that takes leadership over
 * reconciles at once (the old leader may have died mid-interval).
 */
import { loadConfig } from '../../../Relay/config/config';
import { silentLogger } from '../../../Relay/logging/logger';
import type { Leadership } from '../../../Relay/ports';
import { createRelay } from '../../../Relay/server/relay';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { closeAfterTest } from '../../testkit/cleanup';
import { createSyncTestbed } from '../../testkit/syncTestbed';

/** Leadership the test hands out and takes back. */
function manualLeadership() {
  let leader = false;
  let onElected: (() => void) | undefined;
  const leadership: Leadership = {
    isLeader: () => leader,
    start: async (elected) => {
      onElected = elected;
    },
    stop: async () => {
      leader = false;
    },
  };
  return {
    leadership,
    elect: () => {
      leader = true;
      onElected?.();
    },
  };
}

describe('reconciliation on a replica', () => {
  it('a follower does not reconcile; on election it reconciles at once', async () => {
    const bed = createSyncTestbed({ now: '2026-03-01T12:00:00Z' });
    bed.partnerCenter.referrals.createIncoming({});
    const store = new SqliteStore({ filename: ':memory:', now: () => bed.clock.now() });
    const election = manualLeadership();
    const relay = await createRelay({
      config: loadConfig({
        COSELL_PORT: '0',
        COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
        COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(40),
        COSELL_RECONCILE_INTERVAL_SEC: '3600',
      }),
      store,
      leadership: election.leadership,
      dataverse: bed.dataverse,
      partnerCenter: bed.partnerCenter,
      partnerCenterVerifier: {
        verify: async () => ({ ok: false, status: 401, reason: 'bad-signature', message: 'no' }),
      },
      logger: silentLogger,
      clock: bed.clock,
    });
    closeAfterTest(relay);
    jest.spyOn(relay.worker, 'start').mockImplementation(() => undefined);
    await relay.start();
    expect(relay.leadership.isLeader()).toBe(false);
    expect(bed.partnerCenter.callsOf('listReferralPage')).toHaveLength(0);

    election.elect();
    // The election starts a run without waiting for it: poll until the missed referral is queued.
    while ((await store.depth()).queued === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(bed.partnerCenter.callsOf('listReferralPage')).toHaveLength(1);
  });
});
