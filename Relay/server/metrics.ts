/**
 * Prometheus metrics of one relay instance (own registry, so tests can run several relays in one
 * process): queue depth, sync outcomes, latencies, and outbound API calls and 429s per API.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store, SyncMetrics } from '../ports';

/** prom-client's counters and histograms satisfy the sync metrics port structurally. */
export interface RelayMetrics extends SyncMetrics {
  registry: Registry;
  queueDepth: Gauge<'state'>;
  webhooks: Counter<'source' | 'result'>;
}

export function createMetrics(store: Store, options: { defaultMetrics?: boolean } = {}): RelayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'cosell_' });
  const buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    queueDepth: new Gauge({
      name: 'cosell_queue_depth',
      help: 'Jobs in the durable queue by state (queued, running, dead).',
      labelNames: ['state'],
      registers: [registry],
      // Read from the store at scrape time: the gauge can never drift from the truth.
      async collect() {
        const depth = await store.depth();
        for (const [state, n] of Object.entries(depth)) this.set({ state }, n);
      },
    }),
    syncOutcomes: new Counter({
      name: 'cosell_sync_outcomes_total',
      help: 'Sync results by direction (toPartnerCenter, toDataverse) and outcome.',
      labelNames: ['direction', 'outcome'],
      registers: [registry],
    }),
    syncDuration: new Histogram({
      name: 'cosell_sync_duration_seconds',
      help: 'Time from job start to write-back, by direction.',
      labelNames: ['direction'],
      buckets,
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'cosell_jobs_total',
      help: 'Job executions by kind and result (done, retry, dead, deferred).',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'cosell_job_duration_seconds',
      help: 'Job execution time by kind.',
      labelNames: ['kind'],
      buckets,
      registers: [registry],
    }),
    apiCalls: new Counter({
      name: 'cosell_api_calls_total',
      help: 'Outbound API calls by API (partnercenter, dataverse), operation and result (ok or HTTP status).',
      labelNames: ['api', 'operation', 'result'],
      registers: [registry],
    }),
    apiThrottled: new Counter({
      name: 'cosell_api_throttled_total',
      help: '429 Too Many Requests responses to outbound calls, by API: every attempt, including those the HTTP client retried.',
      labelNames: ['api'],
      registers: [registry],
    }),
    apiDuration: new Histogram({
      name: 'cosell_api_duration_seconds',
      help: 'Outbound API call latency by API and operation (retries and Retry-After waits included).',
      labelNames: ['api', 'operation'],
      buckets,
      registers: [registry],
    }),
    workerConcurrencyLimit: new Gauge({
      name: 'cosell_worker_concurrency_limit',
      help: 'Jobs the worker may run at once now: COSELL_WORKER_CONCURRENCY, halved on each 429 (or 503 with Retry-After) from Partner Center or Dataverse, back up by one per round of successful jobs.',
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'cosell_webhooks_total',
      help: 'Inbound webhooks by source (dataverse, partnercenter) and result (accepted, duplicate, held: a change already in step, rejected).',
      labelNames: ['source', 'result'],
      registers: [registry],
    }),
  };
}
