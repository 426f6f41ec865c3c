/**
 * Composition root of one relay: store → metrics → instrumented clients → sync engine → worker →
 * HTTP server, plus the reconciliation timer. `cosell relay`, the sandbox and the end-to-end tests
 * all build the relay here, with real clients or simulator-backed ones.
 */
import type { FastifyInstance } from 'fastify';
import { createDevIssuer } from '../auth/devIssuer';
import type { DevIssuer } from '../auth/devIssuer';
import { createPermissionChecker } from '../auth/permission';
import { createJwtVerifier, remoteJwks } from '../auth/tokens';
import type { TokenVerifier } from '../auth/tokens';
import type { RelayConfig } from '../config/config';
import type { WebhookVerifier } from '../partnercenter/webhookVerification';
import type { Clock, DataverseApi, Logger, PartnerCenterApi, SignInStatusReader } from '../ports';
import { DEFAULT_FIELD_MAP } from '../../Domain/fieldMap';
import type { Leadership, Store } from '../ports';
import { soleLeader } from '../store/soleLeader';
import type { SyncDeps } from '../sync/deps';
import { createJobHandlers } from '../sync/engine';
import { buildStepManifest, isMapDependentStep } from '../../Plugins/manifest';
import { createDeadLetterReporter } from '../sync/failures';
import { realignSteps } from '../../Plugins/registration';
import { resumePaused } from '../sync/fieldMapPause';
import { createFieldMapSource } from '../sync/fieldMapSource';
import { AdaptiveConcurrency } from '../sync/adaptiveConcurrency';
import { instrumentApi } from '../sync/instrument';
import { reconcile } from '../sync/reconcile';
import { createLanguageResolver } from '../sync/language';
import { createSettings } from '../sync/settings';
import { SyncWorker } from '../sync/worker';
import { buildRelayServer } from './app';
import { createMetrics } from './metrics';
import type { RelayMetrics } from './metrics';
import type { ThrottleMeter } from './throttleMeter';
import { createWiringMonitor } from './wiringMonitor';
import type { WiringMonitor } from './wiringMonitor';

export interface RelayOptions {
  config: RelayConfig;
  store: Store;
  dataverse: DataverseApi;
  partnerCenter: PartnerCenterApi;
  partnerCenterVerifier: WebhookVerifier;
  logger: Logger;
  clock?: Clock;
  /** Browser origins allowed by CORS. */
  corsOrigins?: Array<string | RegExp> | boolean;
  /** Overrides the token verifier (tests). */
  tokens?: TokenVerifier;
  random?: () => number;
  /** Counts 429s the HTTP clients retried on their own (Relay/server/clients.ts builds one). */
  throttleMeter?: ThrottleMeter;
  /** The stored Partner Center sign-in, whose expiry the relay warns about. */
  signIn?: SignInStatusReader | null;
  /** How often the registration checks run (default hourly). */
  wiringCheckIntervalMs?: number;
  /** Replicas sharing a PostgreSQL queue elect who reconciles; default: this relay alone. */
  leadership?: Leadership;
}

export interface Relay {
  app: FastifyInstance;
  worker: SyncWorker;
  store: Store;
  metrics: RelayMetrics;
  sync: SyncDeps;
  devIssuer: DevIssuer | null;
  /** Registration drift and sign-in expiry, checked on a schedule once started. */
  wiring: WiringMonitor;
  /** Whether this replica runs the once-for-all timers (reconciliation; registration checks). */
  leadership: Leadership;
  /**
   * Listen, start the worker and reconciliation (one run before returning, then on the interval).
   * Jobs a crash left running are taken over by the worker once their lease lapses. Returns the base
   * URL.
   */
  start(options?: { worker?: boolean }): Promise<string>;
  /**
   * Start the worker and reconciliation on a relay started with `worker: false`: for a host that must
   * register the listening URL (cosell setup) before the first reconciliation reads the solution.
   */
  startWork(): Promise<void>;
  /** Stop accepting, let running jobs finish, close the store. */
  stop(): Promise<void>;
  reconcileNow(): Promise<{ referrals: number; opportunities: number }>;
}

export const SANDBOX_AUDIENCE = 'api://partner-center-cosell-sandbox';

export async function createRelay(options: RelayOptions): Promise<Relay> {
  const { config, store, logger } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const metrics = createMetrics(store, { defaultMetrics: true });
  // Every throttling answer either API gives (the sync's, reconciliation's, /api's) slows the worker.
  const concurrency = new AdaptiveConcurrency({
    max: config.worker.concurrency,
    clock,
    onChange: (limit) => metrics.workerConcurrencyLimit.set(limit),
  });
  metrics.workerConcurrencyLimit.set(concurrency.limit);
  options.throttleMeter?.attach(metrics, concurrency);
  const dataverse = instrumentApi(options.dataverse, 'dataverse', metrics, concurrency);
  const partnerCenter = instrumentApi(options.partnerCenter, 'partnercenter', metrics, concurrency);
  const settings = createSettings(dataverse, clock);
  const sync: SyncDeps = {
    dataverse,
    partnerCenter,
    store,
    settings,
    clock,
    metrics,
    fieldMaps: createFieldMapSource(dataverse, settings, clock, config.worker.fieldMapRefreshSec * 1000, {
      // The customizer fixed the map: paused records resume now rather than at their next look.
      onRecovered: async () => {
        const woken = await resumePaused(store, clock.now());
        logger.info({ woken }, 'field map valid again: resuming paused syncs');
        worker.poke();
      },
      // The Update steps' filtering attributes follow the map (a newly mapped column must fire them).
      onChanged: async (map) => {
        try {
          const plan = await realignSteps(dataverse, buildStepManifest(map).filter(isMapDependentStep));
          const changed = plan.filter((item) => item.action !== 'unchanged');
          if (changed.length) logger.info({ changed }, 'field map changed: steps realigned');
        } catch (error) {
          // Not fatal (the relay's user may lack the privilege): say what to run instead.
          logger.warn(
            { err: error },
            'field map changed but the steps could not be updated: run `cosell setup`',
          );
        }
      },
    }),
    pausedRetryMs: config.worker.fieldMapRefreshSec * 1000,
    languages: createLanguageResolver(dataverse, clock, { logger }),
  };
  const worker = new SyncWorker({
    store,
    handlers: createJobHandlers(sync),
    clock,
    logger: logger.child({ component: 'worker' }),
    metrics,
    maxAttempts: config.worker.maxAttempts,
    retryBaseMs: config.worker.retryBaseMs,
    concurrency: config.worker.concurrency,
    limit: concurrency,
    pollIntervalMs: config.worker.pollIntervalMs,
    random: options.random,
    onDeadLetter: createDeadLetterReporter(sync),
  });

  let devIssuer: DevIssuer | null = null;
  let tokens = options.tokens;
  if (!tokens && config.sandbox) {
    devIssuer = await createDevIssuer({
      issuer: `http://${config.host}/cosell-sandbox`,
      audience: SANDBOX_AUDIENCE,
      roles: [config.auth.adminRole],
    });
    tokens = createJwtVerifier(devIssuer);
  }
  if (!tokens && config.auth.issuer && config.auth.audience && config.auth.jwksUri) {
    tokens = createJwtVerifier({
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      keys: remoteJwks(config.auth.jwksUri),
    });
  }
  // No identity provider configured: /api answers 401 with a message saying what to set.
  tokens ??= {
    verify: async () => {
      const { AuthError } = await import('../auth/tokens');
      throw new AuthError(
        401,
        'authNotConfigured',
        'The relay API is not configured: set COSELL_AUTH_ISSUER, COSELL_AUTH_AUDIENCE and COSELL_AUTH_JWKS_URI.',
      );
    },
  };

  const app = await buildRelayServer({
    store,
    clock,
    logger,
    metrics,
    dataverseWebhook: { key: config.dataverse.webhookKey, header: config.dataverse.webhookHeader },
    integrationUserId: config.dataverse.integrationUserId,
    partnerCenterVerifier: options.partnerCenterVerifier,
    tokens,
    permissions: createPermissionChecker(dataverse),
    sync,
    adminRole: config.auth.adminRole,
    devIssuer,
    corsOrigins: options.corsOrigins,
    onEnqueued: () => worker.poke(),
  });

  const leadership = options.leadership ?? soleLeader();
  let reconcileTimer: NodeJS.Timeout | null = null;
  // Checked against the address Dataverse and Partner Center call: the public URL, else where we listen.
  let publicUrl = config.publicUrl;
  const wiring = createWiringMonitor({
    context: () => ({
      config: { ...config, publicUrl },
      dataverse,
      partnerCenter,
      signIn: options.signIn ?? null,
      relay: null,
      clock,
      defaultFieldMap: DEFAULT_FIELD_MAP,
    }),
    registry: metrics.registry,
    logger: logger.child({ component: 'wiring' }),
    intervalMs: options.wiringCheckIntervalMs,
    isLeader: () => leadership.isLeader(),
  });
  const reconcileNow = () => reconcile(sync, logger.child({ component: 'reconcile' }));
  let reconciling: Promise<void> | null = null;
  /**
   * A run of the schedule: what it queued goes to the worker; a failure waits for the next run. A
   * tick that finds the previous run still reading skips (two runs would queue everything twice).
   */
  const scheduledReconciliation = () => {
    reconciling ??= reconcileNow()
      .then(() => worker.poke())
      .catch((error: unknown) => logger.error({ err: error }, 'reconciliation failed'))
      .finally(() => {
        reconciling = null;
      });
    return reconciling;
  };

  const startWork = async () => {
    wiring.start();
    worker.start();
    const reconciles = config.worker.reconcileIntervalSec > 0;
    // Reconcile once on election (at start, or on taking over from a replica that died): what changed
    // while nobody led (webhooks Partner Center and Dataverse gave up on) must not wait an interval.
    await leadership.start(() => reconciles && void scheduledReconciliation());
    if (reconciles) {
      if (leadership.isLeader()) await scheduledReconciliation();
      reconcileTimer = setInterval(
        () => leadership.isLeader() && void scheduledReconciliation(),
        config.worker.reconcileIntervalSec * 1000,
      );
      reconcileTimer.unref();
    }
  };

  return {
    app,
    worker,
    store,
    metrics,
    sync,
    devIssuer,
    wiring,
    leadership,
    reconcileNow,
    async start(startOptions = {}) {
      const address = await app.listen({ host: config.host, port: config.port });
      publicUrl ??= address;
      if (startOptions.worker !== false) await startWork();
      logger.info({ address }, 'relay listening');
      return address;
    },
    startWork,
    async stop() {
      if (reconcileTimer) clearInterval(reconcileTimer);
      await leadership.stop();
      await reconciling;
      await wiring.stop();
      await app.close();
      await worker.stop();
      await store.close();
    },
  };
}
