/**
 * API calls per sync operation (issue 18.2), counted by the relay itself: `cosell_api_calls_total`
 * read from GET /metrics before and after each step, broken down by API and method so the JSON shows
 * which calls an operation makes. Both simulators and the relay run in this process; the worker is
 * driven by hand so each step is exactly one generation of work:
 *  1. the operation's own job(s): the webhooks the seller's or Microsoft's change fired, then the queue;
 *  2. its echoes: the webhooks the relay's own writes fired (Dataverse write-back, Partner Center
 *     referral events), then the queue again. Goal: no reads for these.
 * Each operation runs ROUNDS times; the first round pays for cold caches (field map, catalogue), so
 * the figure of record is the last round and the first is kept beside it.
 * Results: bench/results/calls.json and calls.svg.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EntitySets, EnvironmentVariables, OpportunityColumns } from '../Domain/constants';
import { startLocalStack } from '../DevStack/sandbox/stack';
import type { LocalStack } from '../DevStack/sandbox/stack';
import { createCatalogueSolution, createSeedOpportunity } from '../DevStack/sandbox/seedRecords';
import { callsPerOperationChart } from './charts';
import { writeChart, writeResult } from './report';

// Microsoft's referrals land as opportunities (the default is a lead), as in the sync scenarios.
const MICROSOFT_REFERRALS_AS_OPPORTUNITIES = {
  [EnvironmentVariables.microsoftReferralTarget]: 'opportunity',
};
const ROUNDS = Number(process.env.BENCH_CALLS_ROUNDS ?? 3);

/** The figures measured before the relay was changed for issue 18 (its text), drawn beside "now". */
const BEFORE: Record<string, number> = { 'outbound create': 5, 'inbound new referral': 16 };
const GOALS: Record<string, number | null> = {
  'outbound create': 3,
  'update one field': 4,
  'inbound new referral': 5,
  'own echo': 0,
};

type Counts = Record<string, number>;

/** `cosell_api_calls_total` per "api method" (e.g. "partnercenter createReferral"), all results. */
async function apiCalls(stack: LocalStack): Promise<Counts> {
  const text = (await stack.relay.app.inject({ method: 'GET', url: '/metrics' })).body;
  const counts: Counts = {};
  for (const line of text.split('\n')) {
    const match = /^cosell_api_calls_total\{([^}]*)\} ([\d.e+-]+)$/.exec(line);
    if (!match) continue;
    const api = /api="([^"]+)"/.exec(match[1]!)?.[1] ?? 'unknown';
    const method = /operation="([^"]+)"/.exec(match[1]!)?.[1] ?? 'unknown';
    const key = `${api} ${method}`;
    counts[key] = (counts[key] ?? 0) + Number(match[2]);
  }
  return counts;
}

const difference = (after: Counts, before: Counts): Counts =>
  Object.fromEntries(
    Object.keys(after)
      .map((key) => [key, after[key]! - (before[key] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
const total = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * Delivers the webhooks in flight on both sides, then runs the jobs they queued and no more: webhooks
 * the relay's own writes fire while those jobs run are the next generation's. Returns the calls made.
 */
async function generation(stack: LocalStack): Promise<{ calls: Counts; jobs: number }> {
  const before = await apiCalls(stack);
  await stack.dataverse.drain();
  await stack.partnerCenter.whenIdle();
  const { queued } = await stack.relay.store.depth();
  let jobs = 0;
  while (jobs < queued && (await stack.relay.worker.runOnce())) jobs += 1;
  return { calls: difference(await apiCalls(stack), before), jobs };
}

interface Step {
  operation: string;
  calls: Counts;
  jobs: number;
  echo: Counts;
  echoJobs: number;
}

async function step(stack: LocalStack, operation: string, act: () => Promise<unknown>): Promise<Step> {
  await act();
  const own = await generation(stack);
  const echo = await generation(stack);
  // Whatever is left (there should be nothing) must not leak into the next operation's figures.
  await stack.settle();
  return { operation, calls: own.calls, jobs: own.jobs, echo: echo.calls, echoJobs: echo.jobs };
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-bench-calls-'));
  const stack = await startLocalStack({
    dataDir,
    environmentVariables: MICROSOFT_REFERRALS_AS_OPPORTUNITIES,
  });
  const rounds: Step[][] = [];
  try {
    await createCatalogueSolution(stack.dataverseClient);
    await stack.settle();
    const seller = stack.sellerClient();
    for (let round = 0; round < ROUNDS; round += 1) {
      const steps: Step[] = [];
      let opportunityId = '';
      steps.push(
        await step(stack, 'outbound create', async () => {
          ({ opportunityId } = await createSeedOpportunity(seller, { name: `Calls bench ${round}` }));
        }),
      );
      steps.push(
        await step(stack, 'update one field', () =>
          seller.update(EntitySets.opportunity, opportunityId, {
            [OpportunityColumns.description]: `Scope grew ${round}`,
          }),
        ),
      );
      steps.push(
        await step(stack, 'inbound new referral', async () =>
          stack.partnerCenter.referrals.createIncoming({ name: `Calls bench inbound ${round}` }),
        ),
      );
      rounds.push(steps);
    }
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const last = rounds[rounds.length - 1]!;
  const first = rounds[0]!;
  const operations = last.map((s, i) => ({
    operation: s.operation,
    calls: total(s.calls),
    coldCalls: total(first[i]!.calls),
    byMethod: s.calls,
    jobs: s.jobs,
    echoCalls: total(s.echo),
    echoByMethod: s.echo,
    echoJobs: s.echoJobs,
    before: BEFORE[s.operation] ?? null,
    goal: GOALS[s.operation] ?? null,
  }));
  // Every echo the operations above caused, together: what the relay spends recognising its own writes.
  const echo = {
    operation: 'own echo',
    calls: Math.max(...operations.map((o) => o.echoCalls)),
    before: null,
    goal: GOALS['own echo'] ?? null,
  };
  for (const o of operations) {
    console.log(
      `${o.operation}: ${o.calls} calls (cold ${o.coldCalls}) ${JSON.stringify(o.byMethod)}; ` +
        `echo ${o.echoCalls} ${JSON.stringify(o.echoByMethod)}`,
    );
  }
  const chartRows = [...operations, echo];
  const met = chartRows.every((o) => o.goal === null || o.calls <= o.goal);
  writeResult('calls', {
    goal: GOALS,
    met,
    rounds: ROUNDS,
    operations,
    ownEcho: { worstCalls: echo.calls },
  });
  writeChart('calls', callsPerOperationChart(chartRows));
  console.log(`calls per operation: ${met ? 'goals met' : 'goals missed'}`);
}

void main();
