/**
 * `cosell backfill --all` on 10 000 referrals Partner Center already held (put straight into the
 * simulator, as if received before the relay existed; Microsoft's referrals land as opportunities).
 * First run: every referral created in Dataverse through the inbound sync. Second run: the same list,
 * nothing to do. Calls are the relay's own `cosell_api_calls_total` counters from GET /metrics; time is
 * wall time; peak RSS is the process's, which also holds both simulators and the relay (one process).
 * Results: bench/results/backfill.json.
 */
import { randomUUID } from 'node:crypto';
import { EnvironmentVariables } from '../Domain/constants';
import type { StoredReferral } from '../Domain/referral';
import { startLocalStack } from '../DevStack/sandbox/stack';
import type { LocalStack } from '../DevStack/sandbox/stack';
import { createCatalogueSolution } from '../DevStack/sandbox/seedRecords';
import { wireDate } from '../DevStack/simulators/partnercenter/referralService';
import { silentLogger } from '../Relay/logging/logger';
import { backfill } from '../Relay/sync/backfill';
import type { BackfillCounts } from '../Relay/sync/backfill';
import { referralSample } from '../tests/testkit/referrals';
import { round, writeResult } from './report';

const SIZE = Number(process.env.BENCH_BACKFILL_SIZE ?? 10_000);
const CONCURRENCY = 4;
const DAY_MS = 24 * 3600 * 1000;

async function apiCalls(stack: LocalStack): Promise<Record<string, number>> {
  const text = (await stack.relay.app.inject({ method: 'GET', url: '/metrics' })).body;
  const totals: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^cosell_api_calls_total\{([^}]*)\} ([\d.e+-]+)$/.exec(line);
    if (!match) continue;
    const api = /api="([^"]+)"/.exec(match[1]!)?.[1] ?? 'unknown';
    totals[api] = (totals[api] ?? 0) + Number(match[2]);
  }
  return totals;
}

const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.keys(after).map((api) => [api, after[api]! - (before[api] ?? 0)]));

function seed(stack: LocalStack, count: number) {
  const sample = referralSample();
  const now = Date.now();
  for (let i = 0; i < count; i += 1) {
    const at = wireDate(new Date(now - 30 * DAY_MS - i * 1000));
    stack.partnerCenter.store.state.referrals.push({
      ...structuredClone(sample),
      name: `Existing deal ${i}`,
      id: randomUUID(),
      engagementId: randomUUID(),
      eTag: `"${randomUUID()}"`,
      createdDateTime: at,
      updatedDateTime: at,
      externalReferenceId: null,
    } as unknown as StoredReferral);
  }
}

async function run(stack: LocalStack) {
  let peakRssMb = process.memoryUsage().rss / 1024 / 1024;
  const before = await apiCalls(stack);
  const started = performance.now();
  const result = await backfill(
    stack.relay.sync,
    silentLogger,
    { since: null, concurrency: CONCURRENCY },
    {
      onPage: (counts: BackfillCounts) => {
        peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 1024 / 1024);
        if (counts.pages % 50 === 0) console.log(`  ${counts.read} referrals read`);
      },
    },
  );
  const ms = performance.now() - started;
  const calls = difference(await apiCalls(stack), before);
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  return {
    counts: result.counts,
    seconds: round(ms / 1000, 2),
    referralsPerSecond: round(result.counts.read / (ms / 1000)),
    calls: { total: totalCalls, ...calls },
    callsPerReferral: round(totalCalls / result.counts.read, 2),
    peakRssMbSampled: round(peakRssMb),
  };
}

async function main() {
  const stack = await startLocalStack({
    environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
  });
  try {
    await createCatalogueSolution(stack.dataverseClient);
    seed(stack, SIZE);
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
  } finally {
    await stack.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
