/**
 * The relay watches what others can change under it: it runs
 * the registration checks of `cosell doctor` — the Dataverse service endpoint and steps, the Partner
 * Center webhook registration — a minute after start and then hourly, and looks at the stored Partner Center sign-in's expiry. Drift and an
 * expiring sign-in show on /metrics and as a warning in the log, with the fix.
 */
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { DoctorContext } from '../doctor';
import { judgeSignIn, REGISTRATION_CHECKS, runChecks } from '../doctor';
import type { Logger } from '../ports';

export const WIRING_CHECK_INTERVAL_MS = 3600_000;
/** The first check waits this long after start: `cosell setup` may be registering this relay right then. */
export const FIRST_WIRING_CHECK_DELAY_MS = 60_000;

export interface WiringMonitor {
  /** Runs the checks now; resolves when the gauges and the log say the outcome. */
  checkNow(): Promise<void>;
  start(): void;
  /** Stops the timer and waits for a check under way. */
  stop(): Promise<void>;
}

export function createWiringMonitor(options: {
  context: () => DoctorContext;
  registry: Registry;
  logger: Logger;
  intervalMs?: number;
  firstDelayMs?: number;
  /** Replicas on one PostgreSQL queue: only the leader runs the scheduled checks. */
  isLeader?: () => boolean;
}): WiringMonitor {
  const { registry, logger } = options;
  const drift = new Gauge({
    name: 'cosell_wiring_drift',
    help: 'Registration checks by name: 1 when what is registered no longer points at this relay as `cosell setup` left it (see the log for the fix), else 0.',
    labelNames: ['check'],
    registers: [registry],
  });
  const expiry = new Gauge({
    name: 'cosell_partner_center_sign_in_expiry_timestamp_seconds',
    help: 'When the stored Partner Center sign-in (refresh token) expires unless used, as a Unix time.',
    registers: [registry],
  });
  const expiring = new Gauge({
    name: 'cosell_partner_center_sign_in_expiring',
    help: '1 when the stored Partner Center sign-in expires within 14 days or has expired: run `cosell login partner-center`.',
    registers: [registry],
  });
  let first: NodeJS.Timeout | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function check() {
    const context = options.context();
    for (const result of await runChecks(REGISTRATION_CHECKS, context)) {
      drift.set({ check: result.id }, result.ok ? 0 : 1);
      if (!result.ok) logger.warn({ check: result.id, fix: result.fix }, `wiring drift: ${result.detail}`);
    }
    const status = await context.signIn?.read().catch(() => null);
    if (status) {
      const judged = judgeSignIn(status, context.clock.now());
      expiry.set(status.expiresAt.getTime() / 1000);
      expiring.set(judged.ok ? 0 : 1);
      if (!judged.ok) logger.warn({ fix: judged.fix }, `Partner Center sign-in: ${judged.detail}`);
    }
  }

  const checkNow = () =>
    (running ??= check()
      .catch((error: unknown) => logger.error({ err: error }, 'wiring checks failed'))
      .finally(() => {
        running = null;
      }));

  const scheduledCheck = () => {
    if (options.isLeader?.() ?? true) void checkNow();
  };

  return {
    checkNow,
    start() {
      first = setTimeout(scheduledCheck, options.firstDelayMs ?? FIRST_WIRING_CHECK_DELAY_MS);
      timer = setInterval(scheduledCheck, options.intervalMs ?? WIRING_CHECK_INTERVAL_MS);
      first.unref();
      timer.unref();
    },
    async stop() {
      if (first) clearTimeout(first);
      if (timer) clearInterval(timer);
      first = timer = null;
      await running;
    },
  };
}
