/**
 * `cosell backfill --all` on 10 000 referrals Partner Center already held (put straight into the
 * simulator, as if received before the relay existed; Microsoft's referrals land as opportunities).
 * First run: every referral created in Dataverse through the inbound sync. Second run: the same list,
 * nothing to do. Calls are the relay's own `cosell_api_calls_total` counters from GET /metrics; time is
 * wall time; peak RSS is the process's, which also holds both simulators and the relay (one process).
 * Every SAMPLE_EVERY referrals the rate over that stretch and the RSS are sampled: whether the rate
 * holds as the tables grow. Results: bench/results/backfill.json, backfill-rate.svg, backfill-memory.svg.
 */
import { EnvironmentVariables } from '../Domain/constants';
import { startLocalStack } from '../DevStack/sandbox/stack';
import type { LocalStack } from '../DevStack/sandbox/stack';
import { createCatalogueSolution } from '../DevStack/sandbox/seedRecords';
import { silentLogger } from '../Relay/logging/logger';
import { backfill } from '../Relay/sync/backfill';
import type { BackfillCounts } from '../Relay/sync/backfill';
import { existingReferrals } from '../tests/testkit/existingData';
import { backfillMemoryChart, backfillRateChart } from './charts';
import { round, writeChart, writeResult } from './report';

const SIZE = Number(process.env.BENCH_BACKFILL_SIZE ?? 10_000);
const CONCURRENCY = 4;
const SAMPLE_EVERY = Math.max(100, Math.round(SIZE / 20));

/** Calls so far per API (`dataverse`) and per API and operation (`dataverse retrieveMultiple`). */
async function apiCalls(stack: LocalStack): Promise<Record<string, number>> {
  const text = (await stack.relay.app.inject({ method: 'GET', url: '/metrics' })).body;
  const totals: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^cosell_api_calls_total\{([^}]*)\} ([\d.e+-]+)$/.exec(line);
    if (!match) continue;
    const api = /api="([^"]+)"/.exec(match[1]!)?.[1] ?? 'unknown';
    const operation = `${api} ${/operation="([^"]+)"/.exec(match[1]!)?.[1] ?? 'unknown'}`;
    totals[api] = (totals[api] ?? 0) + Number(match[2]);
    totals[operation] = (totals[operation] ?? 0) + Number(match[2]);
  }
  return totals;
}

const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.keys(after).map((api) => [api, after[api]! - (before[api] ?? 0)]));

interface Sample {
  read: number;
  seconds: number;
  /** Referrals read per second since the previous sample. */
  referralsPerSecond: number;
  /**
   * CPU time of the process per referral since the previous sample: what the work costs whatever
   * else shares the machine (the rate falls with the load average; this does not).
   */
  cpuMsPerReferral: number;
  rssMb: number;
  /** JS heap still reachable after a full GC: what the run holds, not garbage V8 has yet to collect. */
  heapAfterGcMb: number | null;
}

const MB = 1024 * 1024;
const rssMb = () => process.memoryUsage().rss / MB;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
// bench/run.ts starts every benchmark with --expose-gc.
const collect = (globalThis as { gc?: () => void }).gc;
const heapAfterGcMb = () => (collect ? (collect(), round(process.memoryUsage().heapUsed / MB)) : null);

async function run(stack: LocalStack) {
  let peakRssMb = rssMb();
  const samples: Sample[] = [];
  const before = await apiCalls(stack);
  const started = performance.now();
  const cpuStarted = cpuMs();
  let last = { read: 0, at: started, cpu: cpuStarted };
  const result = await backfill(
    stack.relay.sync,
    silentLogger,
    { since: null, concurrency: CONCURRENCY },
    {
      onPage: (counts: BackfillCounts, more: boolean) => {
        const rss = rssMb();
        peakRssMb = Math.max(peakRssMb, rss);
        if (counts.read - last.read < SAMPLE_EVERY && more) return;
        const now = performance.now();
        const cpu = cpuMs();
        const sample: Sample = {
          read: counts.read,
          seconds: round((now - started) / 1000, 2),
          referralsPerSecond: round((counts.read - last.read) / ((now - last.at) / 1000)),
          cpuMsPerReferral: round((cpu - last.cpu) / (counts.read - last.read), 2),
          rssMb: round(rss),
          heapAfterGcMb: heapAfterGcMb(),
        };
        samples.push(sample);
        // The next stretch starts after the GC, so its time is not counted as the backfill's.
        last = { read: counts.read, at: performance.now(), cpu: cpuMs() };
        console.log(
          `  ${sample.read} read, ${sample.referralsPerSecond}/s, ${sample.cpuMsPerReferral} ms CPU each, RSS ${sample.rssMb} MB, heap after GC ${sample.heapAfterGcMb} MB`,
        );
      },
    },
  );
  const ms = performance.now() - started;
  const all = difference(await apiCalls(stack), before);
  const calls = Object.fromEntries(Object.entries(all).filter(([key]) => !key.includes(' ')));
  const byOperation = Object.fromEntries(
    Object.entries(all).filter(([key, n]) => key.includes(' ') && n > 0),
  );
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  return {
    counts: result.counts,
    seconds: round(ms / 1000, 2),
    referralsPerSecond: round(result.counts.read / (ms / 1000)),
    // Includes the GCs the samples force (a few ms each).
    cpuMsPerReferral: round((cpuMs() - cpuStarted) / result.counts.read, 2),
    calls: { total: totalCalls, ...calls, byOperation },
    callsPerReferral: round(totalCalls / result.counts.read, 2),
    peakRssMbSampled: round(peakRssMb),
    samples,
  };
}

async function main() {
  const stack = await startLocalStack({
    environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
  });
  try {
    await createCatalogueSolution(stack.dataverseClient);
    existingReferrals(stack, SIZE, 30);
    const first = await run(stack);
    console.log('first run', first);
    const second = await run(stack);
    console.log('second run', second);
    const file = writeResult('backfill', {
      referrals: SIZE,
      concurrency: CONCURRENCY,
      note: 'One process holds the backfill, the relay (receiving the webhooks the writes fire) and both simulators: time and RSS include them.',
      firstRun: first,
      secondRun: second,
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
    });
    console.log(`wrote ${file}`);
    const read = first.samples.map((sample) => sample.read);
    const rate = backfillRateChart({
      read,
      series: [
        { name: 'referrals per second', values: first.samples.map((sample) => sample.referralsPerSecond) },
        { name: 'CPU ms per referral', values: first.samples.map((sample) => sample.cpuMsPerReferral) },
      ],
    });
    const memory = backfillMemoryChart({
      read,
      series: [
        { name: 'RSS', values: first.samples.map((sample) => sample.rssMb) },
        { name: 'heap after GC', values: first.samples.map((sample) => sample.heapAfterGcMb) },
      ],
    });
    console.log(`wrote ${writeChart('backfill-rate', rate)}`);
    console.log(`wrote ${writeChart('backfill-memory', memory)}`);
  } finally {
    await stack.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
