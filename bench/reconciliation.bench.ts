/**
 * Reconciliation with nothing changed, against data size: 1 k, 10 k and 50 k opportunities synced to
 * as many referrals, all in step (the relay wrote last on every opportunity; every referral's last
 * change is older than the watermark). One run sets the watermarks, the measured run follows with
 * nothing changed in between. Calls are the relay's own `cosell_api_calls_total` counters read from
 * GET /metrics before and after; time is the run's wall time. Goal (issue 18.4): ≤ 5 calls whatever
 * the size. Rows are cloned from one opportunity the relay really synced, straight into the
 * simulators' stores (creating 50 k through the Web API would fire 50 k webhooks). Results:
 * bench/results/reconciliation.json, reconciliation-calls.svg, reconciliation-time.svg.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredReferral } from '../Domain';
import { OpportunityColumns } from '../Domain/constants';
import { startLocalStack } from '../DevStack/sandbox/stack';
import type { LocalStack } from '../DevStack/sandbox/stack';
import { createCatalogueSolution, createSeedOpportunity } from '../DevStack/sandbox/seedRecords';
import { RecordStore } from '../DevStack/simulators/dataverse/store';
import { wireDate } from '../DevStack/simulators/partnercenter/referralService';
import { round, writeChart, writeResult } from './report';
import { reconciliationCostChart } from './charts';
import { lineChart } from './svgChart';

const SIZES = (process.env.BENCH_RECONCILE_SIZES ?? '1000,10000,50000').split(',').map(Number);
const GOAL_CALLS = 5;
const DAY_MS = 24 * 3600 * 1000;

/** Per api: `cosell_api_calls_total` summed over its labels, or `cosell_api_duration_seconds_sum` in ms. */
async function apiFigures(stack: LocalStack, metric: 'calls' | 'ms'): Promise<Record<string, number>> {
  const text = (await stack.relay.app.inject({ method: 'GET', url: '/metrics' })).body;
  const name = metric === 'calls' ? 'cosell_api_calls_total' : 'cosell_api_duration_seconds_sum';
  const totals: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}\\{([^}]*)\\} ([\\d.e+-]+)$`).exec(line);
    if (!match) continue;
    const api = /api="([^"]+)"/.exec(match[1]!)?.[1] ?? 'unknown';
    totals[api] = (totals[api] ?? 0) + Number(match[2]) * (metric === 'ms' ? 1000 : 1);
  }
  return totals;
}
const apiCalls = (stack: LocalStack) => apiFigures(stack, 'calls');

const difference = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.keys(after).map((api) => [api, after[api]! - (before[api] ?? 0)]));

/** `count` copies of the synced opportunity and its referral, as the relay would have left them. */
async function cloneSynced(stack: LocalStack, dataDir: string, template: string, count: number) {
  const rows = new RecordStore(path.join(dataDir, 'dataverse'));
  const opportunity = rows.get('opportunity', template)!;
  const referral = stack.partnerCenter.store.state.referrals.find(
    (r) => r.externalReferenceId === template,
  )! as StoredReferral;
  const now = Date.now();
  const relayUser = { id: stack.integrationUserId, logicalName: 'systemuser' };
  await rows.transaction(async () => {
    for (let i = 0; i < count; i += 1) {
      const id = randomUUID();
      const referralId = randomUUID();
      // The relay's write-back was the last change, within the last hour.
      rows.put('opportunity', id, {
        ...opportunity,
        opportunityid: id,
        name: `${String(opportunity.name)} ${i}`,
        [OpportunityColumns.referralId]: referralId,
        modifiedon: new Date(now - ((i % 3600) + 60) * 1000).toISOString(),
        modifiedby: relayUser,
        versionnumber: rows.nextVersion(),
      });
      // Partner Center's last change on each referral is days old (older than the first run's look-back).
      stack.partnerCenter.store.state.referrals.push({
        ...structuredClone(referral),
        id: referralId,
        externalReferenceId: id,
        eTag: `"${randomUUID()}"`,
        updatedDateTime: wireDate(new Date(now - 2 * DAY_MS - i * 1000)),
      });
    }
  });
  rows.close();
}

async function measure(size: number) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-bench-reconcile-'));
  const stack = await startLocalStack({ dataDir });
  try {
    await createCatalogueSolution(stack.dataverseClient);
    const { opportunityId } = await createSeedOpportunity(stack.sellerClient(), { name: 'Bench deal' });
    await stack.settle();
    await cloneSynced(stack, dataDir, opportunityId, size - 1);

    const baselineStarted = performance.now();
    const before = await apiCalls(stack);
    const baseline = await stack.relay.reconcileNow();
    const baselineMs = performance.now() - baselineStarted;
    const afterBaseline = await apiCalls(stack);

    // Nothing changes; the next run (a minute later in production) is the measured one.
    const msBefore = await apiFigures(stack, 'ms');
    const started = performance.now();
    const result = await stack.relay.reconcileNow();
    const ms = performance.now() - started;
    const calls = difference(await apiCalls(stack), afterBaseline);
    // Where the time went: waiting on each simulator (the relay's own time is the rest).
    const msPerApi = Object.fromEntries(
      Object.entries(difference(await apiFigures(stack, 'ms'), msBefore)).map(([api, v]) => [api, round(v)]),
    );
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    return {
      records: size,
      nothingChanged: {
        calls: { ...calls, total } as Record<string, number>,
        queued: result,
        ms: round(ms),
        msWaitingOn: msPerApi,
      },
      firstRun: {
        calls: difference(afterBaseline, before),
        queued: baseline,
        ms: round(baselineMs),
      },
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const runs = [];
  for (const size of SIZES) {
    const run = await measure(size);
    console.log(
      `reconciliation, ${size} records, nothing changed: ${run.nothingChanged.calls.total} calls, ` +
        `${run.nothingChanged.ms} ms, waiting on ${JSON.stringify(run.nothingChanged.msWaitingOn)} (first run: ${JSON.stringify(run.firstRun.calls)}, ${run.firstRun.ms} ms)`,
    );
    runs.push(run);
  }
  const worst = Math.max(...runs.map((r) => r.nothingChanged.calls.total ?? 0));
  const categories = runs.map((r) => (r.records >= 1000 ? `${r.records / 1000} k` : String(r.records)));
  writeResult('reconciliation', {
    goal: { callsWithNothingChanged: GOAL_CALLS },
    met: worst <= GOAL_CALLS,
    runs,
  });
  writeChart(
    'reconciliation-calls',
    reconciliationCostChart({
      sizes: runs.map((r) => r.records),
      yLabel: 'API calls per run, nothing changed',
      series: [
        { name: 'Dataverse', values: runs.map((r) => r.nothingChanged.calls.dataverse ?? 0) },
        { name: 'Partner Center', values: runs.map((r) => r.nothingChanged.calls.partnercenter ?? 0) },
        { name: 'total', values: runs.map((r) => r.nothingChanged.calls.total ?? 0) },
      ],
      goal: { y: GOAL_CALLS, label: `goal ≤ ${GOAL_CALLS}` },
    }),
  );
  writeChart(
    'reconciliation-time',
    lineChart({
      title: 'Reconciliation with nothing changed: wall time',
      categories,
      xLabel: 'opportunities (and referrals) stored',
      yLabel: 'ms per run',
      series: [
        { name: 'whole run', values: runs.map((r) => r.nothingChanged.ms) },
        {
          name: 'Dataverse answers',
          values: runs.map((r) => r.nothingChanged.msWaitingOn.dataverse ?? null),
        },
        {
          name: 'Partner Center answers',
          values: runs.map((r) => r.nothingChanged.msWaitingOn.partnercenter ?? null),
        },
      ],
    }),
  );
  if (worst > GOAL_CALLS) process.exitCode = 1;
}

void main();
