/**
 * The running relay's queue: how much waits, whether anything is dead-lettered, and when it last
 * reconciled (a relay that stopped reconciling no longer recovers lost webhooks).
 */
import type { DoctorCheck } from '../check';
import { fail, pass } from '../check';

export const queue: DoctorCheck = {
  id: 'queue',
  title: 'Queue, dead letters and reconciliation',
  async run({ config, relay, clock }) {
    if (!relay) return pass('checked by the relay itself');
    let health;
    try {
      health = await relay.read();
    } catch (error) {
      return fail(
        `the relay does not answer: ${error instanceof Error ? error.message : String(error)}`,
        'start the relay (`cosell relay`) or pass --relay-url with the address it listens on',
      );
    }
    const { queued, running, dead } = health.queue;
    const depth = `${queued} queued, ${running} running, ${dead} dead`;
    if (dead > 0)
      return fail(
        `${depth}`,
        'read why with `cosell dead-letters list`, fix the cause, then `cosell dead-letters retry <id>` (or `discard <id>` when the record needs nothing more)',
      );
    const interval = config.worker.reconcileIntervalSec;
    if (interval > 0) {
      const last = health.lastReconciliation ? new Date(health.lastReconciliation) : null;
      // Two intervals: one may be running late under load.
      const stale = !last || clock.now().getTime() - last.getTime() > 2 * interval * 1000;
      if (stale)
        return fail(
          `${depth}; ${last ? `last reconciliation ${last.toISOString()}` : 'no reconciliation yet'}, expected every ${interval} s`,
          'read the relay log for "reconciliation failed" and fix what it names',
        );
      return pass(`${depth}; last reconciliation ${last.toISOString()}`);
    }
    return pass(`${depth}; reconciliation is off (COSELL_RECONCILE_INTERVAL_SEC=0)`);
  },
};
