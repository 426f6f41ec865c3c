/**
 * Relay throughput on this machine, two ways:
 *  1. Webhook ingest: POST /webhooks/dataverse with a real RemoteExecutionContext body (the
 *     powerapps-docs capture, retargeted to an opportunity Update), key check + parse + handler +
 *     durable SQLite commit (WAL, synchronous=FULL) before each 202, on loopback, with a small client
 *     concurrency. Every request is a distinct operation on a distinct opportunity (no coalescing).
 *  2. End-to-end sync: N opportunities switched to sync Yes by a seller in the Dataverse simulator →
 *     webhook → queue → worker → Partner Center simulator → `$batch` write-back; and M referrals
 *     created in the Partner Center simulator → signed webhook → opportunity created in Dataverse.
 *     Latency per record is measured from the platform's own timestamps, not by polling.
 * Everything (both simulators, the relay, the client) shares one process on loopback, so these are
 * lower bounds for a relay on its own. Results: bench/results/sync-throughput.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { EntitySets, EnvironmentVariables, OpportunityColumns, Tables } from '../Domain/constants';
import { where } from '../Domain/odataQuery';
import { WebhookPaths } from '../Domain/relayApi';
import { loadConfig } from '../Relay/config/config';
import { createLogger } from '../Relay/logging/logger';
import type { WebhookVerifier } from '../Relay/partnercenter/webhookVerification';
import type { DataverseApi, PartnerCenterApi } from '../Relay/ports';
import { startLocalStack } from '../DevStack/sandbox/stack';
import type { LocalStack } from '../DevStack/sandbox/stack';
import { createRelay } from '../Relay/server/relay';
import { SqliteStore } from '../Relay/store/sqliteStore';
import { createCatalogueSolution, createSeedOpportunity } from '../DevStack/sandbox/seedRecords';
import { DATAVERSE_WEBHOOK_PAYLOADS } from '../tests/testkit/paths';

const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const OPPORTUNITIES = Number(process.env.BENCH_OPPORTUNITIES ?? 200);
const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 200);
const WEBHOOK_KEY = 'bench-webhook-key-0123456789abcdef0123456789';
const SAMPLE = path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-contact-async-postimage.powerapps-docs.json');

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
};
const mb = (bytes: number) => round(bytes / 1024 / 1024);
function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return {
    rssMb: mb(usage.rss),
    heapUsedMb: mb(usage.heapUsed),
    peakRssMb: round(process.resourceUsage().maxRSS / 1024),
  };
}

/** The real sample body as an opportunity Update of `opportunityId` (description changed). */
function webhookBody(template: Record<string, unknown>, opportunityId: string): string {
  const body = structuredClone(template) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  body.MessageName = 'Update';
  body.PrimaryEntityName = Tables.opportunity;
  body.PrimaryEntityId = opportunityId;
  body.OperationId = randomUUID();
  body.CorrelationId = randomUUID();
  const target = body.InputParameters[0].value;
  target.LogicalName = Tables.opportunity;
  target.Id = opportunityId;
  target.Attributes = [
    { key: OpportunityColumns.id, value: opportunityId },
    { key: OpportunityColumns.description, value: 'Scope grew' },
    { key: 'modifiedon', value: '/Date(1506384247000)/' },
  ];
  body.PostEntityImages = [];
  return JSON.stringify(body);
}

/** Run `count` tasks with at most `concurrency` in flight. */
async function pooled(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function benchIngest() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-bench-ingest-'));
  const template = JSON.parse(readFileSync(SAMPLE, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
  const store = new SqliteStore({ filename: path.join(dir, 'relay.sqlite') });
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used by ingest')) });
  const relay = await createRelay({
    config: loadConfig({
      COSELL_HOST: '127.0.0.1',
      COSELL_PORT: '0',
      COSELL_DATAVERSE_URL: 'https://bench.crm.dynamics.com',
      COSELL_DATAVERSE_WEBHOOK_KEY: WEBHOOK_KEY,
      COSELL_DATAVERSE_INTEGRATION_USER_ID: '00000000-0000-4000-8000-000000000001',
      COSELL_RECONCILE_INTERVAL_SEC: '0',
    }),
    store,
    dataverse: unused as DataverseApi,
    partnerCenter: unused as PartnerCenterApi,
    partnerCenterVerifier: unused as WebhookVerifier,
    logger: createLogger({ level: 'silent' }),
  });
  const url = await relay.start({ worker: false });
  const bodies = Array.from({ length: WEBHOOKS }, () => webhookBody(template, randomUUID()));
  const pool = new Pool(url, { connections: CONCURRENCY });
  const post = async (i: number) => {
    const started = performance.now();
    const response = await pool.request({
      method: 'POST',
      path: `${WebhookPaths.dataverse}?code=${WEBHOOK_KEY}`,
      headers: { 'content-type': 'application/json' },
      body: bodies[i]!,
    });
    await response.body.dump();
    if (response.statusCode !== 202) throw new Error(`webhook ${i}: HTTP ${response.statusCode}`);
    return performance.now() - started;
  };
  try {
    await pooled(50, CONCURRENCY, async (i) => void (await post(i))); // warm-up (JIT, connections)
    const before = memory();
    const latencies: number[] = [];
    const started = performance.now();
    await pooled(WEBHOOKS - 50, CONCURRENCY, async (i) => void latencies.push(await post(i + 50)));
    const seconds = (performance.now() - started) / 1000;
    const depth = await store.depth();
    if (depth.queued !== WEBHOOKS) throw new Error(`expected ${WEBHOOKS} queued jobs, found ${depth.queued}`);
    return {
      requests: latencies.length,
      concurrency: CONCURRENCY,
      bodyBytes: Buffer.byteLength(bodies[0]!),
      seconds: round(seconds, 2),
      requestsPerSecond: round(latencies.length / seconds),
      latencyMs: summary(latencies),
      durablyQueued: depth.queued,
      sqlite: 'WAL, synchronous=FULL, file on local disk',
      memoryBefore: before,
      memoryAfter: memory(),
    };
  } finally {
    await pool.close();
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * One change at a time on an otherwise idle relay (no queueing behind a burst): a seller edit until
 * its write-back, and a Microsoft edit until the opportunity shows it.
 */
async function idleLatencies(stack: LocalStack, opportunityId: string) {
  const rounds = 10;
  const read = () => stack.dataverseClient.retrieve(EntitySets.opportunity, opportunityId);
  const outbound: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const previous = (await read())[OpportunityColumns.lastSyncedOn];
    await stack
      .sellerClient()
      .update(EntitySets.opportunity, opportunityId, { [OpportunityColumns.description]: `idle edit ${i}` });
    const saved = Date.now();
    let row: Record<string, unknown> = {};
    await waitFor(
      async () => ((row = await read()), row[OpportunityColumns.lastSyncedOn] !== previous),
      30_000,
      'idle outbound sync',
    );
    outbound.push(Date.parse(row[OpportunityColumns.lastSyncedOn] as string) - saved);
  }
  const referralId = (await read())[OpportunityColumns.referralId] as string;
  const inbound: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const notes = `Microsoft idle edit ${i}`;
    const updated = stack.partnerCenter.referrals.microsoftUpdate(referralId, { notes });
    let row: Record<string, unknown> = {};
    await waitFor(
      async () => ((row = await read()), row[OpportunityColumns.description] === notes),
      30_000,
      'idle inbound sync',
    );
    inbound.push(Date.parse(row.modifiedon as string) - Date.parse(updated.updatedDateTime!));
  }
  return { rounds, toPartnerCenter: summary(outbound), toDataverse: summary(inbound) };
}

async function benchEndToEnd() {
  // Inbound referrals are measured as opportunities (Microsoft's would be leads by default).
  const stack = await startLocalStack({
    runWorker: true,
    deliveryDelayMs: 50,
    environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
  });
  try {
    await createCatalogueSolution(stack.dataverseClient);
    const seller = stack.sellerClient();
    // Prepared with sync off (not timed): account, contact, opportunity, solution.
    const prepared: string[] = [];
    await pooled(OPPORTUNITIES, 4, async (i) => {
      const { opportunityId } = await createSeedOpportunity(seller, { name: `Bench ${i}`, sync: false });
      prepared.push(opportunityId);
    });
    await stack.settle();
    const before = memory();

    // Outbound: flip sync on; latency = pcs_lastsyncedon (relay's write-back) − the seller's save.
    const savedAt = new Map<string, number>();
    const started = Date.now();
    await pooled(prepared.length, 4, async (i) => {
      const id = prepared[i]!;
      await seller.update(EntitySets.opportunity, id, { [OpportunityColumns.syncWithPartnerCenter]: true });
      savedAt.set(id, Date.now());
    });
    const syncedFilter = {
      select: [OpportunityColumns.id, OpportunityColumns.lastSyncedOn],
      filter: where.and(
        where.isNotNull(OpportunityColumns.referralId),
        where.startsWith(OpportunityColumns.name, 'Bench '),
      ),
    };
    let synced: Array<Record<string, unknown>> = [];
    await waitFor(
      async () => {
        synced = await stack.dataverseClient.retrieveMultiple(EntitySets.opportunity, syncedFilter);
        return synced.length >= prepared.length;
      },
      120_000,
      'opportunities to sync',
    );
    const outboundLatencies = synced.map(
      (row) =>
        Date.parse(row[OpportunityColumns.lastSyncedOn] as string) -
        savedAt.get(row[OpportunityColumns.id] as string)!,
    );
    const outboundSeconds =
      (Math.max(...synced.map((r) => Date.parse(r[OpportunityColumns.lastSyncedOn] as string))) - started) /
      1000;

    // Inbound: referrals created in Partner Center; latency = opportunity createdon − referral createdDateTime.
    const createdAt = new Map<string, number>();
    const inboundStarted = Date.now();
    for (let i = 0; i < REFERRALS; i++) {
      const referral = stack.partnerCenter.referrals.createIncoming({ name: `Inbound bench ${i}` });
      createdAt.set(referral.id, Date.parse(referral.createdDateTime!));
    }
    let arrived: Array<Record<string, unknown>> = [];
    await waitFor(
      async () => {
        arrived = await stack.dataverseClient.retrieveMultiple(EntitySets.opportunity, {
          select: [OpportunityColumns.referralId, 'createdon'],
          filter: where.startsWith(OpportunityColumns.name, 'Inbound bench '),
        });
        return arrived.length >= REFERRALS;
      },
      120_000,
      'referrals to arrive',
    );
    const inboundLatencies = arrived.map(
      (row) =>
        Date.parse(row.createdon as string) - createdAt.get(row[OpportunityColumns.referralId] as string)!,
    );
    const inboundSeconds =
      (Math.max(...arrived.map((r) => Date.parse(r.createdon as string))) - inboundStarted) / 1000;
    const idle = await idleLatencies(stack, prepared[0]!);
    const metrics = await stack.relay.metrics.registry.getSingleMetricAsString('cosell_api_calls_total');
    const apiCalls = [...metrics.matchAll(/api="(\w+)"[^}]*} (\d+)/g)].reduce<Record<string, number>>(
      (sum, [, api, n]) => ({ ...sum, [api!]: (sum[api!] ?? 0) + Number(n) }),
      {},
    );
    return {
      workerConcurrency: stack.config.worker.concurrency,
      toPartnerCenter: {
        opportunities: synced.length,
        seconds: round(outboundSeconds, 2),
        perSecond: round(synced.length / outboundSeconds),
        latencyMs: summary(outboundLatencies),
      },
      toDataverse: {
        referrals: arrived.length,
        seconds: round(inboundSeconds, 2),
        perSecond: round(arrived.length / inboundSeconds),
        latencyMs: summary(inboundLatencies),
      },
      idleLatencyMs: idle,
      relayApiCalls: apiCalls,
      memoryBefore: before,
      memoryAfter: memory(),
    };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const ingest = await benchIngest();
  console.log(
    `sync-throughput: ingest ${ingest.requestsPerSecond} req/s (p50 ${ingest.latencyMs.p50} ms, p99 ${ingest.latencyMs.p99} ms)`,
  );
  const endToEnd = await benchEndToEnd();
  console.log(
    `sync-throughput: →PC ${endToEnd.toPartnerCenter.perSecond}/s (p50 ${endToEnd.toPartnerCenter.latencyMs.p50} ms), ` +
      `→D365 ${endToEnd.toDataverse.perSecond}/s (p50 ${endToEnd.toDataverse.latencyMs.p50} ms)`,
  );
  const result = {
    bench: 'sync-throughput',
    webhookIngest: ingest,
    endToEnd,
    notes:
      'One process holds both simulators, the relay and the load client, all on 127.0.0.1; throughput is a lower bound for the relay alone. ' +
      'End-to-end latency: outbound = pcs_lastsyncedon − seller save returned; inbound = opportunity createdon − referral createdDateTime.',
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      totalMemMb: mb(os.totalmem()),
      platform: `${os.platform()} ${os.release()}`,
      // Other processes share the machine (CI, parallel work): read the numbers against this.
      loadAverage1m: round(os.loadavg()[0]!, 2),
    },
    node: process.version,
    measuredAt: new Date().toISOString(),
  };
  const resultsDir = path.join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, 'sync-throughput.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
