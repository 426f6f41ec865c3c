/**
 * The issue-level charts every benchmark draws the same way (bench/svgChart.ts underneath), so the
 * pictures in bench/README.md read alike: ingest rate against receipts stored, calls per operation,
 * reconciliation cost against data size, and backfill rate and memory as it goes.
 */
import { barChart, lineChart } from './svgChart';
import type { LineSeries } from './svgChart';

/** "0", "100 k", "1 M": sizes as the x categories of a chart. */
export const sizeLabel = (n: number) =>
  n >= 1_000_000 ? `${n / 1_000_000} M` : n >= 1_000 ? `${n / 1_000} k` : String(n);

export interface OperationCalls {
  /** E.g. "outbound create", "update one field", "inbound new referral". */
  operation: string;
  /** API calls it made, from the relay's /metrics counters. */
  calls: number;
  /** The figure before the change, when known (drawn beside it). */
  before?: number | null;
  /** The most calls the operation may make. */
  goal?: number | null;
}

/** Grouped bars per operation (before, now) with the goal as a dashed tick across each group. */
export function callsPerOperationChart(operations: OperationCalls[]): string {
  const hasBefore = operations.some((o) => typeof o.before === 'number');
  return barChart({
    title: 'API calls per operation',
    categories: operations.map((o) => o.operation),
    series: [
      ...(hasBefore ? [{ name: 'before', values: operations.map((o) => o.before ?? null) }] : []),
      { name: 'now', values: operations.map((o) => o.calls) },
    ],
    yLabel: 'calls (Dataverse + Partner Center)',
    limits: operations.map((o) => o.goal ?? null),
  });
}

export interface ReconciliationCost {
  /** Records (opportunities, referrals) in the environment. */
  sizes: number[];
  /** One line per measured figure, one value per size (e.g. calls when nothing changed). */
  series: LineSeries[];
  yLabel?: string;
  /** E.g. { y: 5, label: 'goal ≤ 5 calls' }. */
  goal?: { y: number; label: string };
}

export function reconciliationCostChart(cost: ReconciliationCost): string {
  return lineChart({
    title: 'Reconciliation cost against data size',
    categories: cost.sizes.map(sizeLabel),
    series: cost.series,
    xLabel: 'records in the environment',
    yLabel: cost.yLabel ?? 'API calls per reconciliation',
    guides: cost.goal ? [cost.goal] : [],
  });
}

export interface IngestRate {
  /** Receipts stored before each run. */
  receipts: number[];
  /** One line per route and concurrency: deliveries made durable per second at each level. */
  series: LineSeries[];
  goalPerSecond: number;
}

export function ingestRateChart(rate: IngestRate): string {
  return lineChart({
    title: 'Webhook ingest rate against receipts stored',
    categories: rate.receipts.map(sizeLabel),
    xLabel: 'receipts stored (7 days kept)',
    yLabel: 'deliveries made durable per second',
    series: rate.series,
    guides: [{ y: rate.goalPerSecond, label: `goal ${rate.goalPerSecond}/s` }],
  });
}

export interface BackfillProgress {
  /** Referrals read when each sample was taken (the x categories). */
  read: number[];
  /** One line per run or figure, one value per sample. */
  series: LineSeries[];
}

/**
 * Referrals brought in per second, and CPU per referral, over each stretch of the run against
 * referrals read so far: the cost stays flat when nothing grows with the tables.
 */
export function backfillRateChart(progress: BackfillProgress): string {
  return lineChart({
    title: 'Backfill rate and cost as the tables grow',
    categories: progress.read.map(sizeLabel),
    series: progress.series,
    xLabel: 'referrals read',
    yLabel: 'referrals per second / CPU ms per referral',
  });
}

/** Memory of the process (backfill, relay and both simulators: RSS, heap after GC) against referrals read. */
export function backfillMemoryChart(progress: BackfillProgress): string {
  return lineChart({
    title: 'Backfill memory as the tables grow',
    categories: progress.read.map(sizeLabel),
    series: progress.series,
    xLabel: 'referrals read',
    yLabel: 'MB',
  });
}

export interface LatencyFigure {
  /** E.g. "save → referral". */
  path: string;
  p50: number;
  p95: number;
}

/** p50 and p95 per path, with the goal as a dashed tick and the floor (sequential calls) as a line. */
export function syncLatencyChart(figures: LatencyFigure[], goalMs: number, floorMs: number): string {
  return barChart({
    title: 'Sync latency with added API latency, one change at a time',
    categories: figures.map((f) => f.path),
    series: [
      { name: 'p50', values: figures.map((f) => f.p50) },
      { name: 'p95', values: figures.map((f) => f.p95) },
    ],
    yLabel: 'milliseconds',
    limits: figures.map(() => goalMs),
    guides: [{ y: floorMs, label: `floor ${floorMs} ms` }],
  });
}

/** The worker's concurrency limit over time (samples `atMs` from the start), the configured most as a line. */
export function concurrencyLimitChart(
  trace: Array<{ atMs: number; limit: number }>,
  most: number,
  title: string,
): string {
  // A label every ~tenth sample: the x axis is time, evenly sampled.
  const every = Math.max(1, Math.round(trace.length / 10));
  return lineChart({
    title,
    categories: trace.map((t, i) => (i % every === 0 ? `${(t.atMs / 1000).toFixed(1)} s` : '')),
    series: [{ name: 'limit', values: trace.map((t) => t.limit) }],
    xLabel: 'time since the burst began',
    yLabel: 'jobs at once',
    guides: [{ y: most, label: `COSELL_WORKER_CONCURRENCY ${most}` }],
  });
}
