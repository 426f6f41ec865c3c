/**
 * The sync engine wired to the typed fakes: FakeDataverse, FakePartnerCenter, a FakeClock, the real
 * SQLite store in memory, recording logger and metrics, and the relay's own settings, field-map
 * source, language resolver, job handlers and worker. Unit tests call the sync modules directly
 * (`deps`, `context`) or run queued jobs through the worker (`drain`). Closed after the test file.
 */
import type { JobContext, SyncDeps } from '../../Relay/sync/deps';
import { createJobHandlers } from '../../Relay/sync/engine';
import { createDeadLetterReporter } from '../../Relay/sync/failures';
import { createFieldMapSource } from '../../Relay/sync/fieldMapSource';
import { createLanguageResolver } from '../../Relay/sync/language';
import { createSettings } from '../../Relay/sync/settings';
import { SyncWorker } from '../../Relay/sync/worker';
import { SqliteStore } from '../../Relay/store/sqliteStore';
import { closeAfterAll } from './cleanup';
import { FakeClock } from './clock';
import { FakeDataverse } from './fakeDataverse';
import { FakePartnerCenter } from './fakePartnerCenter';
import { RecordingLogger, RecordingMetrics } from './recording';

export interface SyncTestbed {
  deps: SyncDeps;
  dataverse: FakeDataverse;
  partnerCenter: FakePartnerCenter;
  store: SqliteStore;
  clock: FakeClock;
  logger: RecordingLogger;
  metrics: RecordingMetrics;
  /** What the worker hands a job handler. */
  context: JobContext;
  worker: SyncWorker;
  /** Run every due job through the worker; returns how many ran. */
  drain(): Promise<number>;
}

export interface SyncTestbedOptions {
  /** Start time of the fake clock. */
  now?: string;
  /** Environment variable values (schema name → value). */
  environmentVariables?: Record<string, string>;
  /** Attempts before a failing job is dead-lettered. */
  maxAttempts?: number;
}

export function createSyncTestbed(options: SyncTestbedOptions = {}): SyncTestbed {
  const clock = new FakeClock(options.now);
  const dataverse = new FakeDataverse({ clock });
  for (const [name, value] of Object.entries(options.environmentVariables ?? {}))
    dataverse.environmentVariables.set(name, value);
  const partnerCenter = new FakePartnerCenter(clock);
  const store = new SqliteStore({ filename: ':memory:', now: () => clock.now() });
  closeAfterAll(() => store.close());
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const settings = createSettings(dataverse, clock, 0);
  const deps: SyncDeps = {
    dataverse,
    partnerCenter,
    store,
    settings,
    clock,
    metrics,
    fieldMaps: createFieldMapSource(dataverse, settings, clock, 0),
    languages: createLanguageResolver(dataverse, clock),
    pausedRetryMs: 60_000,
  };
  const worker = new SyncWorker({
    store,
    handlers: createJobHandlers(deps),
    clock,
    logger,
    metrics,
    maxAttempts: options.maxAttempts ?? 3,
    retryBaseMs: 1000,
    concurrency: 1,
    pollIntervalMs: 1000,
    random: () => 0,
    onDeadLetter: createDeadLetterReporter(deps),
  });
  return {
    deps,
    dataverse,
    partnerCenter,
    store,
    clock,
    logger,
    metrics,
    context: { logger, correlationId: 'test-correlation' },
    worker,
    drain: () => worker.drain(),
  };
}
