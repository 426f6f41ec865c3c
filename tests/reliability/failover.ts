/**
 * Several relays on one PostgreSQL database (issue 17): replicas behind a round-robin balancer on the
 * address `cosell setup` registered, each with its own port and data folder, sharing
 * COSELL_DATABASE_URL in a schema of their own. `kill -9` of one replica, then another, mid-burst;
 * and the throughput of a backlog with one replica and with three.
 */
import path from 'node:path';
import { Pool } from 'pg';
import { startBalancer } from './balancer';
import { referralsPerOpportunity, waitForConvergence } from './checks';
import type { Environment } from './environment';
import { freePort } from './processes';
import type { CosellProcess } from './processes';
import { queueIdle } from './relayMetrics';
import type { Goal, Scenario, Sizes } from './goals';
import { convergenceLimitMs, goal, syncGoals } from './goals';
import { opportunityBurst } from './workload';

/** The machines' PostgreSQL (GUIDE: 127.0.0.1:5432, trust auth, database `test`). */
export const DATABASE_URL =
  process.env.COSELL_RELIABILITY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Short leases, so a dead replica's jobs are taken over within the run. */
const LEASE_SEC = 10;
/** A lapsed lease is claimed at a survivor's next poll; allow a few on a loaded machine. */
const TAKEOVER_SLACK_MS = 3000;

interface Replicas {
  replicas: CosellProcess[];
  schema: string;
  pool: Pool;
  close(): Promise<void>;
}

async function startReplicas(
  env: Environment,
  sizes: Sizes,
  count: number,
  label: string,
): Promise<Replicas> {
  const schema = `reliability_${label}_${process.pid}_${Date.now()}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
  const ports: number[] = [];
  for (let n = 0; n < count; n++) ports.push(await freePort());
  const balancer = await startBalancer(env.relayPort, () => ports);
  const replicas = ports.map((port, n) =>
    env.spawnRelay(
      `replica-${n + 1}`,
      {
        reconcileIntervalSec: sizes.reconcileIntervalSec,
        env: {
          COSELL_DATABASE_URL: DATABASE_URL,
          COSELL_DATABASE_SCHEMA: schema,
          COSELL_JOB_LEASE_SEC: String(LEASE_SEC),
          COSELL_DATA_DIR: path.join(env.dir, `replica-${n + 1}`),
        },
      },
      { port },
    ),
  );
  await Promise.all(replicas.map((replica) => replica.waitForLine(/relay listening on/)));
  return {
    replicas,
    schema,
    pool,
    async close() {
      for (const replica of replicas) await replica.kill('SIGTERM');
      await balancer.close();
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await pool.end();
    },
  };
}

interface Orphan {
  id: string;
  leaseEndsAfterKillMs: number;
  /** First time a live replica held it: its lease renewed or re-claimed (changed), or the job gone. */
  heldAgainAfterKillMs: number | null;
  finishedAfterKillMs: number | null;
}

/**
 * The jobs running when a replica died, followed until they leave the table (done). A survivor's
 * own running jobs renew their lease within a third of it; the dead replica's keep theirs until a
 * survivor claims them after it lapses.
 */
async function followRunningJobs(
  pool: Pool,
  schema: string,
  killedAt: number,
  limitMs: number,
): Promise<Orphan[]> {
  const { rows } = await pool.query<{ id: string; lease_until: Date | null }>(
    `SELECT id, lease_until FROM ${schema}.jobs WHERE status = 'running'`,
  );
  const original = new Map(rows.map((row) => [row.id, row.lease_until?.getTime() ?? null]));
  const orphans: Orphan[] = rows.map((row) => ({
    id: row.id,
    leaseEndsAfterKillMs: (row.lease_until?.getTime() ?? killedAt) - killedAt,
    heldAgainAfterKillMs: null,
    finishedAfterKillMs: null,
  }));
  while (orphans.some((o) => o.finishedAfterKillMs === null) && Date.now() - killedAt < limitMs) {
    const open = orphans.filter((o) => o.finishedAfterKillMs === null);
    const { rows: left } = await pool.query<{ id: string; lease_until: Date | null; status: string }>(
      `SELECT id, lease_until, status FROM ${schema}.jobs WHERE id = ANY($1)`,
      [open.map((o) => o.id)],
    );
    const now = Date.now() - killedAt;
    const byId = new Map(left.map((row) => [row.id, row]));
    for (const orphan of open) {
      const row = byId.get(orphan.id);
      if (!row || row.status === 'dead') orphan.finishedAfterKillMs = now;
      if (
        orphan.heldAgainAfterKillMs === null &&
        (!row || (row.lease_until?.getTime() ?? null) !== original.get(orphan.id))
      )
        orphan.heldAgainAfterKillMs = now;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return orphans;
}

/** Three replicas; kill -9 of one at a third of the burst, of another at two thirds. */
export const failover: Scenario = async (env, sizes) => {
  const cluster = await startReplicas(env, sizes, 3, 'failover');
  try {
    const follows: Array<Promise<Orphan[]>> = [];
    const killAt = [Math.floor(sizes.failoverBurst / 3), Math.floor((2 * sizes.failoverBurst) / 3)];
    const started = Date.now();
    const burst = opportunityBurst(env, sizes.failoverBurst, {
      label: 'Failover',
      onProgress: (created) => {
        const victim = killAt.indexOf(created);
        if (victim < 0) return;
        const killedAt = Date.now();
        follows.push(
          cluster.replicas[victim]!.kill('SIGKILL').then(() =>
            followRunningJobs(cluster.pool, cluster.schema, killedAt, LEASE_SEC * 4000),
          ),
        );
      },
    });
    await burst.done;
    const measure = () => referralsPerOpportunity(env, burst.opportunityIds);
    const { convergedAfterMs } = await waitForConvergence(measure, convergenceLimitMs(sizes));
    const orphans = (await Promise.all(follows)).flat();
    await queueIdle(env.relayUrl, 30_000);
    const tally = await measure();
    // Taken over once its lease lapsed: held by a live replica again within a poll or two of the lapse.
    const late = orphans.filter(
      (o) =>
        o.finishedAfterKillMs === null ||
        o.heldAgainAfterKillMs === null ||
        o.heldAgainAfterKillMs > o.leaseEndsAfterKillMs + TAKEOVER_SLACK_MS,
    );
    const slowest = Math.max(0, ...orphans.map((o) => o.finishedAfterKillMs ?? Infinity));
    const goals: Goal[] = [
      ...syncGoals('failover', tally, convergedAfterMs, sizes.reconcileIntervalSec),
      goal(
        `failover: every job running at a kill taken over by a survivor within its lease (+${TAKEOVER_SLACK_MS / 1000} s) and finished`,
        `${orphans.length - late.length}/${orphans.length}`,
        late.length === 0,
      ),
    ];
    return {
      figures: {
        replicas: 3,
        killed: 2,
        opportunities: sizes.failoverBurst,
        leaseSec: LEASE_SEC,
        ...tally,
        jobsRunningAtKills: orphans.length,
        slowestTakeoverAfterLeaseEndSec: Number(
          (
            Math.max(
              0,
              ...orphans.map((o) => (o.heldAgainAfterKillMs ?? Infinity) - o.leaseEndsAfterKillMs),
            ) / 1000
          ).toFixed(1),
        ),
        lateJobs: late.map((o) => ({
          leaseEndedAfterKillSec: Number((o.leaseEndsAfterKillMs / 1000).toFixed(1)),
          heldAgainAfterKillSec:
            o.heldAgainAfterKillMs === null ? null : Number((o.heldAgainAfterKillMs / 1000).toFixed(1)),
          finishedAfterKillSec:
            o.finishedAfterKillMs === null ? null : Number((o.finishedAfterKillMs / 1000).toFixed(1)),
        })),
        slowestOrphanFinishedAfterKillSec: Number((slowest / 1000).toFixed(1)),
        convergedAfterBurstSeconds:
          convergedAfterMs === null ? null : Number((convergedAfterMs / 1000).toFixed(1)),
        burstToConvergedSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
      },
      goals,
    };
  } finally {
    await cluster.close();
  }
};

/**
 * A backlog of opportunities whose webhooks were all lost (Dataverse drops every delivery while they
 * are created), then `replicas` relays start: the leader's start-up reconciliation queues them all and
 * every replica works the queue. Throughput = backlog / time from start to every referral created.
 */
const throughputWith =
  (count: number): Scenario =>
  async (env, sizes) => {
    await env.control('dataverse', 'PUT', 'delivery-faults', { rates: { drop: 1 } });
    const burst = opportunityBurst(env, sizes.throughputBacklog, { label: `Backlog ${count}` });
    await burst.done;
    await env.control('dataverse', 'DELETE', 'delivery-faults');
    const started = Date.now();
    const cluster = await startReplicas(env, sizes, count, `throughput${count}`);
    const listening = Date.now();
    try {
      const measure = () => referralsPerOpportunity(env, burst.opportunityIds);
      const { tally, convergedAfterMs } = await waitForConvergence(
        measure,
        convergenceLimitMs(sizes),
        started,
      );
      const seconds = (convergedAfterMs ?? Date.now() - started) / 1000;
      // Throughput counts from the moment every replica listens (process start-up is not work).
      const working = seconds - (listening - started) / 1000;
      return {
        figures: {
          replicas: count,
          backlog: sizes.throughputBacklog,
          secondsFromSpawnToAllSynced: Number(seconds.toFixed(1)),
          secondsFromAllListeningToAllSynced: Number(working.toFixed(1)),
          opportunitiesPerSecond: Number((sizes.throughputBacklog / working).toFixed(2)),
          ...tally,
        },
        goals: [
          goal(`throughput ×${count}: 0 lost`, tally.lost, tally.lost === 0),
          goal(`throughput ×${count}: 0 duplicates`, tally.duplicates, tally.duplicates === 0),
        ],
      };
    } finally {
      await cluster.close();
    }
  };

export const throughputOneReplica = throughputWith(1);
export const throughputThreeReplicas = throughputWith(3);
