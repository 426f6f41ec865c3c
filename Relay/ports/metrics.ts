/**
 * What the sync engine and worker record, as a port: the server's Prometheus registry implements it
 * (Relay/server/metrics.ts), tests can pass a recording fake, and sync/ never imports server/.
 */
export type MetricLabels<L extends string> = Partial<Record<L, string | number>>;

export interface CounterPort<L extends string> {
  inc(labels: MetricLabels<L>, value?: number): void;
}

export interface HistogramPort<L extends string> {
  /** Starts a timer; calling the result observes the elapsed seconds. */
  startTimer(labels?: MetricLabels<L>): (labels?: MetricLabels<L>) => number;
}

export interface GaugePort {
  set(value: number): void;
}

export interface SyncMetrics {
  syncOutcomes: CounterPort<'direction' | 'outcome'>;
  syncDuration: HistogramPort<'direction'>;
  jobs: CounterPort<'kind' | 'result'>;
  jobDuration: HistogramPort<'kind'>;
  apiCalls: CounterPort<'api' | 'operation' | 'result'>;
  apiThrottled: CounterPort<'api'>;
  apiDuration: HistogramPort<'api' | 'operation'>;
  /** Jobs the worker may run at once now (Relay/sync/adaptiveConcurrency.ts). */
  workerConcurrencyLimit: GaugePort;
}
