/** A Logger and SyncMetrics that record what the code under test reported (ports, no casts). */
import type {
  CounterPort,
  GaugePort,
  HistogramPort,
  Logger,
  MetricLabels,
  SyncMetrics,
} from '../../Relay/ports';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  /** Bindings of the child loggers it came through, merged with the object logged. */
  fields: Record<string, unknown>;
  message: string | undefined;
}

export class RecordingLogger implements Logger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  private record(level: LogLevel, obj: object | string, msg?: string): void {
    const fields = typeof obj === 'string' ? {} : (obj as Record<string, unknown>);
    const message = typeof obj === 'string' ? obj : msg;
    this.entries.push({ level, fields: { ...this.bindings, ...fields }, message });
  }

  debug(obj: object | string, msg?: string): void {
    this.record('debug', obj, msg);
  }
  info(obj: object | string, msg?: string): void {
    this.record('info', obj, msg);
  }
  warn(obj: object | string, msg?: string): void {
    this.record('warn', obj, msg);
  }
  error(obj: object | string, msg?: string): void {
    this.record('error', obj, msg);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new RecordingLogger(this.entries, { ...this.bindings, ...bindings });
  }

  /** Messages logged at `level` (all levels when absent). */
  messages(level?: LogLevel): string[] {
    return this.entries.filter((e) => !level || e.level === level).map((e) => e.message ?? '');
  }
}

export class RecordingCounter<L extends string> implements CounterPort<L> {
  readonly increments: Array<{ labels: MetricLabels<L>; value: number }> = [];

  inc(labels: MetricLabels<L>, value = 1): void {
    this.increments.push({ labels, value });
  }

  /** Sum of the increments whose labels include `labels`. */
  total(labels: MetricLabels<L> = {}): number {
    const matches = (l: MetricLabels<L>) =>
      Object.entries(labels).every(([k, v]) => String(l[k as L]) === String(v));
    return this.increments.filter((i) => matches(i.labels)).reduce((sum, i) => sum + i.value, 0);
  }
}

export class RecordingHistogram<L extends string> implements HistogramPort<L> {
  readonly observations: Array<MetricLabels<L>> = [];

  startTimer(labels: MetricLabels<L> = {}): (more?: MetricLabels<L>) => number {
    return (more = {}) => {
      this.observations.push({ ...labels, ...more });
      return 0;
    };
  }
}

export class RecordingGauge implements GaugePort {
  readonly values: number[] = [];

  set(value: number): void {
    this.values.push(value);
  }
}

export class RecordingMetrics implements SyncMetrics {
  readonly syncOutcomes = new RecordingCounter<'direction' | 'outcome'>();
  readonly syncDuration = new RecordingHistogram<'direction'>();
  readonly jobs = new RecordingCounter<'kind' | 'result'>();
  readonly jobDuration = new RecordingHistogram<'kind'>();
  readonly apiCalls = new RecordingCounter<'api' | 'operation' | 'result'>();
  readonly apiThrottled = new RecordingCounter<'api'>();
  readonly apiDuration = new RecordingHistogram<'api' | 'operation'>();
  readonly workerConcurrencyLimit = new RecordingGauge();
}
