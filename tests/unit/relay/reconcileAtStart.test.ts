/**
 * The relay reconciles once when it starts, before the first tick of the reconciliation timer:
 * what changed while it was down (webhooks Partner Center gave up on) is queued at start-up, not an
 * interval later. The relay is composed as `cosell relay` composes it, over the typed fakes.
 */
import { loadConfig } from '../../../Relay/config/config';
import { silentLogger } from '../../../Relay/logging/logger';
import { createRelay } from '../../../Relay/server/relay';
import { WATERMARKS } from '../../../Relay/sync/reconcile';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { closeAfterTest } from '../../testkit/cleanup';
import { createSyncTestbed } from '../../testkit/syncTestbed';

async function startRelay(reconcileIntervalSec: number) {
  const bed = createSyncTestbed({ now: '2026-03-01T12:00:00Z' });
  // Three referrals Microsoft sent while the relay was down; their webhooks were never delivered.
  const missed = [1, 2, 3].map(() => bed.partnerCenter.referrals.createIncoming({}).id);
  const store = new SqliteStore({ filename: ':memory:', now: () => bed.clock.now() });
  const relay = await createRelay({
    config: loadConfig({
      COSELL_PORT: '0',
      COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
      COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(40),
      COSELL_RECONCILE_INTERVAL_SEC: String(reconcileIntervalSec),
    }),
    store,
    dataverse: bed.dataverse,
    partnerCenter: bed.partnerCenter,
    partnerCenterVerifier: {
      verify: async () => ({ ok: false, status: 401, reason: 'bad-signature', message: 'no' }),
    },
    logger: silentLogger,
    clock: bed.clock,
  });
  closeAfterTest(relay);
  // The jobs stay queued for the assertions: the worker never finds them due.
  jest.spyOn(relay.worker, 'start').mockImplementation(() => undefined);
  await relay.start();
  return { bed, relay, store, missed };
}

describe('reconciliation at start-up', () => {
  it('runs once when the relay starts, an hour before its first tick', async () => {
    const { bed, store, missed } = await startRelay(3600);
    expect(bed.partnerCenter.callsOf('listReferralPage')).toHaveLength(1);
    expect(await store.getState(WATERMARKS.referrals)).not.toBeNull();
    expect(await store.getState(WATERMARKS.opportunities)).toBe('2026-03-01T12:00:00.000Z');
    const queued: string[] = [];
    for (let job = await store.claim(bed.clock.now()); job; job = await store.claim(bed.clock.now()))
      queued.push(job.key);
    expect(queued.sort()).toEqual(missed.map((id) => `referral:${id}`).sort());
  });

  it('does not run when reconciliation is switched off (interval 0)', async () => {
    const { bed, store } = await startRelay(0);
    expect(bed.partnerCenter.callsOf('listReferralPage')).toHaveLength(0);
    expect(await store.getState(WATERMARKS.referrals)).toBeNull();
  });
});
