/**
 * Webhook ingest: how many deliveries per second the relay makes durable, on both webhook routes,
 * and whether that holds as the receipts table grows (it keeps 7 days of receipts).
 *
 * This process runs the relay under test (real routes, real verifiers, SQLite store in WAL with
 * synchronous=FULL: every 202 follows the commit that holds its job). The load generator
 * (bench/ingestLoad.ts, autocannon) runs in a forked process and sends real bodies: Dataverse
 * RemoteExecutionContext with the webhook key, Partner Center events signed RSA-SHA256. Each
 * (receipts stored × route × concurrency) run starts from its own copy of a database seeded
 * directly with that many receipts. A bare fastify route, measured in the same run with the same
 * load generator, gives the ceiling of this machine at that moment: figures are read as ratios.
 *
 * Results: bench/results/ingest.json, bench/results/ingest-rate.svg, bench/results/ingest-p99.svg.
 * Knobs: BENCH_INGEST_RECEIPTS (e.g. "0,100000"), BENCH_INGEST_CONCURRENCY ("8,32"),
 * BENCH_INGEST_ROUTES ("dataverse,partnercenter"), BENCH_INGEST_REQUESTS (per run),
 * BENCH_INGEST_PROFILE=0 (skip the profiled runs: by default each route gets one extra run, at the
 * most receipts and connections, under the CPU profiler, summarised into the JSON; the profiler's
 * overhead stays out of the measured runs); `--charts` redraws the charts from the committed JSON.
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { WebhookPaths } from '../Domain/relayApi';
import { createSigningCertificate } from '../DevStack/simulators/partnercenter';
import { loadConfig } from '../Relay/config/config';
import { createLogger } from '../Relay/logging/logger';
import { createWebhookVerifier } from '../Relay/partnercenter/webhookVerification';
import type { DataverseApi, PartnerCenterApi } from '../Relay/ports';
import { createRelay } from '../Relay/server/relay';
import { SqliteStore } from '../Relay/store/sqliteStore';
import type { IngestRoute, LoadInit, LoadResult, LoadRun } from './ingestLoad';
import { RESULTS_DIR, round, writeChart, writeResult } from './report';
import { ingestRateChart, sizeLabel } from './charts';
import { profileWhile } from './cpuProfile';
import { probeSync } from './syncProbe';
import type { ProfileSummary } from './cpuProfile';
import { lineChart } from './svgChart';

const list = (value: string | undefined, fallback: string) => (value ?? fallback).split(',').map(Number);
const RECEIPT_LEVELS = list(process.env.BENCH_INGEST_RECEIPTS, '0,100000,1000000');
const CONCURRENCY = list(process.env.BENCH_INGEST_CONCURRENCY, '8,32');
const REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 10_000);
const WARMUP = Number(process.env.BENCH_INGEST_WARMUP ?? 1_000);
const PROFILE = process.env.BENCH_INGEST_PROFILE !== '0';

const GOAL_PER_SECOND = 2_000;
const GOAL_P99_MS = 50;
const WEBHOOK_KEY = 'bench-webhook-key-0123456789abcdef0123456789';
/** The host Partner Center's certificate URL is pinned to; the bytes are served from memory here. */
const CERTIFICATE_URL = 'https://3psostorageacct.blob.core.windows.net/cert/bench-signing.cer';
const DAY_MS = 24 * 3600_000;
const ROUTES = (process.env.BENCH_INGEST_ROUTES ?? 'dataverse,partnercenter').split(',') as Array<
  Exclude<IngestRoute, 'bare'>
>;
const ROUTE_NAMES: Record<IngestRoute, string> = {
  dataverse: 'Dataverse',
  partnercenter: 'Partner Center',
  bare: 'bare fastify',
};

interface IngestRun extends LoadResult {
  receiptsStored: number;
  route: IngestRoute;
  connections: number;
  ratioToBareFastify: number;
  relayCpuMsPerRequest: number;
  cpuRatioToBareFastify: number;
  deliveriesPerCommit: number;
  deliveriesPerSync: number;
  jobsCommitted: number;
}

/** The load generator process; one request/response at a time over IPC. */
class LoadGenerator {
  private readonly child: ChildProcess;
  constructor() {
    this.child = fork(path.join(__dirname, 'ingestLoad.ts'), {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }
  private ask<T>(message: LoadInit | LoadRun): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: { type: string; message?: string }) => {
        this.child.off('exit', onExit);
        if (reply.type === 'error') reject(new Error(`load generator: ${reply.message}`));
        else resolve(reply as T);
      });
      this.child.send(message);
    });
  }
  init(message: Omit<LoadInit, 'type'>) {
    return this.ask<{ bodyBytes: Record<string, number> }>({ type: 'init', ...message });
  }
  async run(message: Omit<LoadRun, 'type'>): Promise<LoadResult> {
    return (await this.ask<{ result: LoadResult }>({ type: 'run', ...message })).result;
  }
  close() {
    this.child.disconnect();
  }
}

/** Receipts as both routes write them, spread over 7 days and one hour: the oldest are due for clean-up. */
function seedReceipts(file: string, count: number, now: number): void {
  const db = new Database(file);
  const insert = db.prepare('INSERT INTO receipts (receipt, received_at) VALUES (?, ?)');
  const id = (i: number) => `0d0d0d0d-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const receipt =
        i % 2
          ? `partnercenter:referral-updated:https://api.partnercenter.microsoft.com/engagements/v1/referrals/${id(i)}:2026-11-30T00:05:39.5485487+00:00`
          : `dataverse:${id(i)}::${id(i + 1)}:opportunity:${id(i + 2)}`;
      insert.run(receipt, now - Math.floor(((count - i) / count) * (7 * DAY_MS + 3600_000)));
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function startBareRoute() {
  const app = Fastify();
  app.post('/bare', async (_request, reply) => reply.code(202).send({ status: 'queued' }));
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

interface IngestResult {
  bareFastify: Array<LoadResult & { connections: number }>;
  runs: IngestRun[];
}

/** Rate and p99 against receipts stored, one line per route and concurrency; bare fastify for scale. */
function drawCharts({ bareFastify, runs }: IngestResult): void {
  const levels = [...new Set(runs.map((r) => r.receiptsStored))].sort((a, b) => a - b);
  const lines = [...new Set(runs.map((r) => `${r.route} ${r.connections}`))].map((line) => {
    const [route, connections] = line.split(' ') as [IngestRoute, string];
    return { route, connections: Number(connections) };
  });
  const series = (pick: (r: IngestRun) => number) =>
    lines.map(({ route, connections }) => ({
      name: `${ROUTE_NAMES[route]}, c=${connections}`,
      values: levels.map((n) => {
        const run = runs.find(
          (r) => r.route === route && r.connections === connections && r.receiptsStored === n,
        );
        return run ? pick(run) : null;
      }),
    }));
  const bare = bareFastify.map((b) => ({
    name: `bare fastify, c=${b.connections}`,
    values: levels.map(() => b.requestsPerSecond),
  }));
  writeChart(
    'ingest-rate',
    ingestRateChart({
      receipts: levels,
      series: [...series((r) => r.requestsPerSecond), ...bare],
      goalPerSecond: GOAL_PER_SECOND,
    }),
  );
  writeChart(
    'ingest-p99',
    lineChart({
      title: 'Webhook ingest p99 latency against receipts stored',
      categories: levels.map(sizeLabel),
      xLabel: 'receipts stored (7 days kept)',
      yLabel: 'p99 latency (ms)',
      series: series((r) => r.latencyMs.p99),
      guides: [{ y: GOAL_P99_MS, label: `goal ${GOAL_P99_MS} ms at c=32` }],
    }),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-bench-ingest-'));
  const certificate = createSigningCertificate();
  const verifier = createWebhookVerifier({ fetchCertificate: async () => certificate.certificateDer });
  const logs = pino.destination({ dest: '/dev/null', sync: false });
  const logger = createLogger({ level: 'info', destination: logs });
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used by ingest')) });
  const config = loadConfig({
    COSELL_HOST: '127.0.0.1',
    COSELL_PORT: '0',
    COSELL_DATAVERSE_URL: 'https://bench.crm.dynamics.com',
    COSELL_DATAVERSE_WEBHOOK_KEY: WEBHOOK_KEY,
    COSELL_DATAVERSE_INTEGRATION_USER_ID: '00000000-0000-4000-8000-000000000001',
    COSELL_RECONCILE_INTERVAL_SEC: '0',
  });
  const load = new LoadGenerator();
  const bare = await startBareRoute();
  try {
    const maxConnections = Math.max(...CONCURRENCY);
    const { bodyBytes } = await load.init({
      bodies: WARMUP + REQUESTS + 2 * maxConnections + 16,
      signingKeyPem: certificate.privateKeyPem,
      certificateUrl: CERTIFICATE_URL,
    });
    const bareRuns = [];
    for (const connections of CONCURRENCY) {
      const cpuBefore = process.cpuUsage();
      const result = await load.run({
        route: 'bare',
        url: bare.url,
        path: '/bare',
        connections,
        warmup: WARMUP,
        amount: REQUESTS,
      });
      const cpu = process.cpuUsage(cpuBefore);
      bareRuns.push({
        connections,
        ...result,
        cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / (result.requests + WARMUP), 3),
      });
      console.log(`ingest: bare fastify c=${connections}: ${result.requestsPerSecond}/s`);
    }

    /** One run on a fresh copy of `seeded`: load, then the check that every 202 is a committed job. */
    const runRelay = async (
      seeded: string,
      receipts: number,
      route: Exclude<IngestRoute, 'bare'>,
      connections: number,
      profiled: boolean,
    ) => {
      const file = path.join(dir, `run-${receipts}-${route}-${connections}.sqlite`);
      copyFileSync(seeded, file);
      const store = new SqliteStore({ filename: file });
      const relay = await createRelay({
        config,
        store,
        dataverse: unused as DataverseApi,
        partnerCenter: unused as PartnerCenterApi,
        partnerCenterVerifier: verifier,
        logger,
      });
      const url = await relay.start({ worker: false });
      try {
        const cpuBefore = process.cpuUsage();
        const send = () =>
          load.run({
            route,
            url,
            path:
              route === 'dataverse'
                ? `${WebhookPaths.dataverse}?code=${WEBHOOK_KEY}`
                : WebhookPaths.partnerCenter,
            connections,
            warmup: WARMUP,
            amount: REQUESTS,
          });
        let profile: ProfileSummary | null = null;
        let result: LoadResult;
        if (profiled) ({ value: result, profile } = await profileWhile(send));
        else result = await send();
        const cpu = process.cpuUsage(cpuBefore);
        // Every 202 must be a committed job: count them in the database the relay wrote.
        const queued = (await store.depth()).queued;
        const accepted = (result.statusCodes['202'] ?? 0) + result.warmup2xx;
        if (result.non2xx || result.errors || queued !== accepted) {
          throw new Error(
            `${route} c=${connections} at ${receipts} receipts: ${JSON.stringify(result.statusCodes)}, ` +
              `${result.errors} errors, ${queued} jobs queued for ${accepted} accepted`,
          );
        }
        return { result, cpu, queued, commits: store.enqueueCommits, profile };
      } finally {
        await relay.stop();
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      }
    };

    // The disk's own sync time, before and after the relay's runs (the machine is shared).
    const walSyncBefore = await probeSync(dir);
    const walSyncTwoAtOnceBefore = await probeSync(dir, 200, 2);
    console.log(
      `ingest: fdatasync p50 ${walSyncBefore.ms.p50} ms, two at once ${walSyncTwoAtOnceBefore.ms.p50} ms`,
    );
    const runs: IngestRun[] = [];
    const profiles = [];
    for (const receipts of RECEIPT_LEVELS) {
      const seeded = path.join(dir, `seed-${receipts}.sqlite`);
      await new SqliteStore({ filename: seeded }).close(); // schema as the store creates it
      const seededAt = Date.now();
      seedReceipts(seeded, receipts, seededAt);
      for (const route of ROUTES) {
        for (const connections of CONCURRENCY) {
          const { result, cpu, queued, commits } = await runRelay(
            seeded,
            receipts,
            route,
            connections,
            false,
          );
          const bareRun = bareRuns.find((b) => b.connections === connections)!;
          const relayCpuMsPerRequest = round((cpu.user + cpu.system) / 1000 / (result.requests + WARMUP), 3);
          runs.push({
            receiptsStored: receipts,
            route,
            connections,
            ...result,
            ratioToBareFastify: round(result.requestsPerSecond / bareRun.requestsPerSecond, 3),
            relayCpuMsPerRequest,
            cpuRatioToBareFastify: round(relayCpuMsPerRequest / bareRun.cpuMsPerRequest, 2),
            deliveriesPerCommit: round(commits.items / Math.max(1, commits.commits), 1),
            deliveriesPerSync: round(commits.items / Math.max(1, commits.syncs), 1),
            jobsCommitted: queued,
          });
          console.log(
            `ingest: ${ROUTE_NAMES[route]} c=${connections} receipts=${receipts}: ` +
              `${result.requestsPerSecond}/s p99 ${result.latencyMs.p99} ms, ` +
              `${relayCpuMsPerRequest} ms CPU/request, ${round(commits.items / Math.max(1, commits.commits))} per commit, ` +
              `${round(commits.items / Math.max(1, commits.syncs))} per sync`,
          );
        }
        if (PROFILE && receipts === RECEIPT_LEVELS[RECEIPT_LEVELS.length - 1]) {
          // Not one of the measured runs: the profiler's own overhead stays out of the figures.
          const { result, profile } = await runRelay(seeded, receipts, route, maxConnections, true);
          profiles.push({
            route,
            receiptsStored: receipts,
            connections: maxConnections,
            requestsPerSecondWhileProfiled: result.requestsPerSecond,
            ...profile,
          });
          console.log(
            `ingest: profile of ${ROUTE_NAMES[route]}: idle ${profile!.idlePercent} %, ` +
              profile!.byComponent
                .slice(0, 6)
                .map((c) => `${c.component} ${c.selfPercent} %`)
                .join(', '),
          );
        }
      }
      rmSync(seeded, { force: true });
    }

    const walSyncAfter = await probeSync(dir);
    const goals = ROUTES.flatMap((route) =>
      CONCURRENCY.map((connections) => {
        const mine = runs.filter((r) => r.route === route && r.connections === connections);
        const minRate = Math.min(...mine.map((r) => r.requestsPerSecond));
        const maxP99 = Math.max(...mine.map((r) => r.latencyMs.p99));
        return {
          route,
          connections,
          minRequestsPerSecond: minRate,
          maxP99Ms: maxP99,
          rateMet: minRate >= GOAL_PER_SECOND,
          p99Met: connections !== 32 || maxP99 <= GOAL_P99_MS,
        };
      }),
    );
    writeResult('ingest', {
      goal: `≥ ${GOAL_PER_SECOND}/s on both webhook routes at every receipts level, p99 ≤ ${GOAL_P99_MS} ms at concurrency 32`,
      goals,
      durability:
        'Each 202 is sent after the commit holding its job and the fdatasync of the WAL that followed it ' +
        '(what SQLite synchronous=FULL does, docs/durability.md); concurrent deliveries share commits and syncs ' +
        '(group commit). Checked per run: jobs in the database = 202s sent.',
      method:
        'Relay in this process, autocannon in a forked process, loopback. Each run: a copy of a database seeded ' +
        `with N receipts (spread over 7 days + 1 hour), ${WARMUP} warm-up requests, then ${REQUESTS} measured; ` +
        'every body distinct (no duplicates, no coalescing). Logging at info to /dev/null.',
      bodyBytes,
      walSync: {
        what:
          'fdatasync after a 4 KB write on this disk, alone and two at once (as the store allows), before and after ' +
          'the runs: a delivery waits for at least one, so connections ÷ p50 bounds the rate at that concurrency',
        before: walSyncBefore,
        twoAtOnceBefore: walSyncTwoAtOnceBefore,
        after: walSyncAfter,
        rateBoundAtP50: Object.fromEntries(
          CONCURRENCY.map((c) => [
            `c=${c}`,
            round(c / (Math.max(walSyncBefore.ms.p50, walSyncAfter.ms.p50) / 1000)),
          ]),
        ),
      },
      bareFastify: bareRuns,
      runs,
      profiles,
    });
    drawCharts({ bareFastify: bareRuns, runs });
    const missed = goals.filter((g) => !g.rateMet || !g.p99Met);
    console.log(`ingest: ${missed.length ? `${missed.length} goal(s) missed` : 'goals met'}`);
  } finally {
    load.close();
    await bare.app.close();
    logs.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `--charts`: redraw the charts from the committed bench/results/ingest.json without measuring.
const run = process.argv.includes('--charts')
  ? async () =>
      drawCharts(JSON.parse(readFileSync(path.join(RESULTS_DIR, 'ingest.json'), 'utf8')) as IngestResult)
  : main;
run().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
