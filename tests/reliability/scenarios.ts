/**
 * The reliability scenarios of issue 13 (and the failover of issue 17), each on a fresh set of
 * processes. Every scenario returns its figures and its goals; run.ts prints and records them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { RelayRoutes } from '../../Domain/relayApi';
import { DEV_TOKEN_PATH } from '../../Relay/server/routes/devToken';
import { SANDBOX_WEBHOOK_KEY } from '../../DevStack/sandbox/stack';
import { leadsPerReferral, referralsPerOpportunity, waitForConvergence } from './checks';
import type { Tally } from './checks';
import { failover, throughputOneReplica, throughputThreeReplicas } from './failover';
import { convergenceLimitMs, goal, syncGoals } from './goals';
import type { Scenario, ScenarioResult, Sizes } from './goals';
import { startEnvironment, webhookUrls } from './environment';
import type { Environment, RelaySettings } from './environment';
import { hostileRequests } from './hostileRequests';
import type { CosellProcess } from './processes';
import { queueIdle, scrape, total } from './relayMetrics';
import { startThrottleProxy } from './throttleProxy';
import { incomingReferrals, opportunityBurst } from './workload';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** After convergence, let the queue empty and count again: a late duplicate shows only then. */
async function finalTally(env: Environment, relay: string, measure: () => Promise<Tally>): Promise<Tally> {
  await queueIdle(relay, 30_000);
  await sleep(1000);
  return measure();
}

/**
 * A crashed relay's running jobs come back after their lease, which must be well inside one
 * reconciliation interval, as with the product's defaults (30 s lease, 300 s interval). The short run's
 * 30 s interval would equal the default lease, so its relays hold leases of a third of the interval.
 */
const jobLeaseSec = (sizes: Sizes) => Math.min(30, Math.floor(sizes.reconcileIntervalSec / 3));

const relaySettings = (sizes: Sizes, extra: Partial<RelaySettings> = {}): RelaySettings => ({
  reconcileIntervalSec: sizes.reconcileIntervalSec,
  ...extra,
  env: { COSELL_JOB_LEASE_SEC: String(jobLeaseSec(sizes)), ...extra.env },
});

/** kill -9 of the relay during a burst, restart after it: referrals per opportunity, convergence. */
export const crashDuringBurst: Scenario = async (env, sizes) => {
  let relay: CosellProcess = await env.startRelay('relay', relaySettings(sizes));
  const killAt = Math.floor(sizes.crashBurst * 0.4);
  let killed: Promise<void> | null = null;
  let createdAtKill = 0;
  const burstStarted = Date.now();
  const burst = opportunityBurst(env, sizes.crashBurst, {
    label: 'Crash',
    onProgress: (created) => {
      if (created === killAt) {
        createdAtKill = created;
        killed = relay.kill('SIGKILL');
      }
    },
  });
  await burst.done;
  await killed;
  const burstSeconds = (Date.now() - burstStarted) / 1000;
  const restartedAt = Date.now();
  relay = await env.startRelay('relay-restarted', relaySettings(sizes));
  const measure = () => referralsPerOpportunity(env, burst.opportunityIds);
  const { convergedAfterMs } = await waitForConvergence(measure, convergenceLimitMs(sizes), restartedAt);
  const tally = await finalTally(env, env.relayUrl, measure);
  const peakRssMb = (relay.peakRssKb() ?? 0) / 1024;
  await relay.kill('SIGTERM');
  return {
    figures: {
      opportunities: sizes.crashBurst,
      killedAfterCreated: createdAtKill,
      burstSeconds: Number(burstSeconds.toFixed(1)),
      ...tally,
      convergedAfterRestartSeconds:
        convergedAfterMs === null ? null : Number((convergedAfterMs / 1000).toFixed(1)),
      restartedRelayPeakRssMb: Number(peakRssMb.toFixed(1)),
    },
    goals: syncGoals('crash', tally, convergedAfterMs, sizes.reconcileIntervalSec),
  };
};

/** A second `cosell relay` on the same data dir during a burst must refuse to start. */
export const secondRelayDuringBurst: Scenario = async (env, sizes) => {
  const relay = await env.startRelay('relay', relaySettings(sizes));
  let second: CosellProcess | null = null;
  const burst = opportunityBurst(env, sizes.secondRelayBurst, {
    label: 'Second relay',
    onProgress: (created) => {
      if (created === Math.floor(sizes.secondRelayBurst * 0.3))
        // Another port: the lock must hold whatever address the second one would listen on.
        second = env.spawnRelay('relay-second', relaySettings(sizes), { port: 0 });
    },
  });
  await burst.done;
  const other = second as CosellProcess | null;
  if (!other) throw new Error('the second relay was never started');
  const outcome = await Promise.race([
    other.exited.then((exit) => ({ kind: 'exited' as const, exit })),
    other.waitForLine(/relay listening on/, 30_000).then(
      () => ({ kind: 'listening' as const }),
      () => ({ kind: 'neither' as const }),
    ),
  ]);
  await other.kill('SIGKILL');
  const exit = await other.exited;
  const stderrLines = other.stderr().trim().split('\n').filter(Boolean);
  const measure = () => referralsPerOpportunity(env, burst.opportunityIds);
  await waitForConvergence(measure, convergenceLimitMs(sizes));
  const tally = await finalTally(env, env.relayUrl, measure);
  await relay.kill('SIGTERM');
  const refused = outcome.kind === 'exited' && exit.code === 1;
  return {
    figures: {
      opportunities: sizes.secondRelayBurst,
      secondRelay: outcome.kind === 'exited' ? `exit ${exit.code}` : outcome.kind,
      secondRelayStderr: stderrLines.slice(0, 3).join(' | ').slice(0, 300),
      ...tally,
    },
    goals: [
      goal(
        'second relay refuses with exit code 1',
        outcome.kind === 'exited' ? `exit ${exit.code}` : outcome.kind,
        refused,
      ),
      goal('second relay error is one line', stderrLines.length, refused && stderrLines.length === 1),
      goal('second relay: 0 duplicates', tally.duplicates, tally.duplicates === 0),
      goal('second relay: 0 lost', tally.lost, tally.lost === 0),
    ],
  };
};

/** 30 % of deliveries dropped on each side, duplicates ×3, reordering. */
export const deliveryFaults: Scenario = async (env, sizes) => {
  const relay = await env.startRelay('relay', relaySettings(sizes));
  await env.control('dataverse', 'PUT', 'delivery-faults', {
    rates: { drop: 0.3, duplicate: 0.3, delay: 0.3 },
    copies: 3,
    delayMs: 3000,
    seed: 13,
  });
  const started = Date.now();
  const burst = opportunityBurst(env, sizes.faultsBurst, { label: 'Faults' });
  // Partner Center's faults are counters: per round of 10 deliveries, 3 dropped, 3 sent ×3, 3 reordered.
  const incoming: string[] = [];
  for (let round = 0; round * 10 < sizes.faultsIncoming; round++) {
    await env.control('partnerCenter', 'PUT', 'delivery-faults', {
      drop: 3,
      duplicate: 3,
      copies: 3,
      reorder: 3,
    });
    incoming.push(
      ...(await incomingReferrals(env, Math.min(10, sizes.faultsIncoming - round * 10), 'Faults incoming')),
    );
  }
  await burst.done;
  const measure = async (): Promise<Tally> => {
    const [opportunities, leads] = await Promise.all([
      referralsPerOpportunity(env, burst.opportunityIds),
      leadsPerReferral(env, incoming),
    ]);
    return {
      expected: opportunities.expected + leads.expected,
      once: opportunities.once + leads.once,
      lost: opportunities.lost + leads.lost,
      duplicates: opportunities.duplicates + leads.duplicates,
    };
  };
  const loadEnded = Date.now();
  const { convergedAfterMs } = await waitForConvergence(measure, convergenceLimitMs(sizes), loadEnded);
  await env.control('dataverse', 'DELETE', 'delivery-faults');
  await env.control('partnerCenter', 'DELETE', 'delivery-faults');
  await queueIdle(env.relayUrl, 30_000);
  const [opportunities, leads] = await Promise.all([
    referralsPerOpportunity(env, burst.opportunityIds),
    leadsPerReferral(env, incoming),
  ]);
  const dvLog = await env.control<{ value: Array<{ status: string; copyOf?: string }> }>(
    'dataverse',
    'GET',
    'deliveries',
  );
  const pcLog = await env.control<Array<{ status: string; copyOf?: string }>>(
    'partnerCenter',
    'GET',
    'deliveries',
  );
  const pcEntries = Array.isArray(pcLog) ? pcLog : ((pcLog as { value?: typeof pcLog }).value ?? []);
  await relay.kill('SIGTERM');
  const tally = {
    expected: opportunities.expected + leads.expected,
    once: opportunities.once + leads.once,
    lost: opportunities.lost + leads.lost,
    duplicates: opportunities.duplicates + leads.duplicates,
  };
  return {
    figures: {
      opportunities: sizes.faultsBurst,
      microsoftReferrals: sizes.faultsIncoming,
      dataverseDeliveriesDropped: dvLog.value.filter((d) => d.status === 'dropped').length,
      dataverseExtraCopies: dvLog.value.filter((d) => d.copyOf).length,
      partnerCenterDeliveriesDropped: pcEntries.filter((d) => d.status === 'dropped').length,
      partnerCenterExtraCopies: pcEntries.filter((d) => d.copyOf).length,
      referralsPerOpportunity: opportunities,
      leadsPerMicrosoftReferral: leads,
      convergedAfterLoadSeconds:
        convergedAfterMs === null ? null : Number((convergedAfterMs / 1000).toFixed(1)),
      loadSeconds: Number(((loadEnded - started) / 1000).toFixed(1)),
    },
    goals: syncGoals('faults', tally, convergedAfterMs, sizes.reconcileIntervalSec),
  };
};

/** Partner Center answers 20 % of calls with 429 or 503 and Retry-After. */
export const throttling: Scenario = async (env, sizes) => {
  const proxy = await startThrottleProxy(env.partnerCenterUrl, { share: 0.2, retryAfterSec: 1 });
  try {
    const relay = await env.startRelay('relay', relaySettings(sizes, { partnerCenterUrl: proxy.url }));
    const burst = opportunityBurst(env, sizes.throttleBurst, { label: 'Throttled' });
    // The worker's concurrency limit as the relay reports it, while the throttled load runs.
    const limits: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const seen = await scrape(env.relayUrl).catch(() => null);
        if (seen) limits.push(total(seen, 'cosell_worker_concurrency_limit'));
        await sleep(250);
      }
    })();
    await burst.done;
    const measure = () => referralsPerOpportunity(env, burst.opportunityIds);
    const { convergedAfterMs } = await waitForConvergence(measure, convergenceLimitMs(sizes));
    sampling = false;
    await sampler;
    const tally = await finalTally(env, env.relayUrl, measure);
    const samples = await scrape(env.relayUrl);
    await relay.kill('SIGTERM');
    return {
      figures: {
        opportunities: sizes.throttleBurst,
        ...proxy.stats,
        relayCountedThrottled: total(samples, 'cosell_api_throttled_total'),
        workerConcurrencyLimitLowest: limits.length ? Math.min(...limits) : null,
        workerConcurrencyLimitAtEnd: total(samples, 'cosell_worker_concurrency_limit'),
        deadLetters: total(samples, 'cosell_queue_depth', { state: 'dead' }),
        ...tally,
      },
      goals: [
        goal(
          'throttling: 0 calls before Retry-After expired',
          proxy.stats.earlyRetries,
          proxy.stats.earlyRetries === 0,
        ),
        ...syncGoals('throttling', tally, convergedAfterMs, sizes.reconcileIntervalSec),
      ],
    };
  } finally {
    await proxy.close();
  }
};

/** ≥ 5 000 hostile webhook requests: statuses, 5xx, jobs queued, peak RSS. */
export const fuzzWebhooks: Scenario = async (env, sizes) => {
  const relay = await env.startRelay('relay', relaySettings(sizes));
  const signing = JSON.parse(
    readFileSync(path.join(env.dir, 'partnercenter', 'webhook-signing.json'), 'utf8'),
  ) as {
    privateKeyPem: string;
  };
  const requests = hostileRequests(sizes.fuzzRequests, {
    webhookKey: SANDBOX_WEBHOOK_KEY,
    signingKeyPem: signing.privateKeyPem,
    certificateUrl: `${env.partnerCenterUrl}/cert/pcnotifications-dispatch.microsoft.com.cer`,
    relayOrigin: env.relayUrl,
  });
  const urls = webhookUrls(env.relayUrl);
  const before = await scrape(env.relayUrl);
  const rssBefore = relay.peakRssKb() ?? 0;
  const statuses: Record<string, Record<string, number>> = {};
  let fiveHundreds = 0;
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      let status: string;
      try {
        const response = await fetch(urls[request.route] + request.query, {
          method: 'POST',
          headers: request.headers,
          body: new Uint8Array(request.body),
        });
        await response.arrayBuffer();
        status = String(response.status);
        if (response.status >= 500) fiveHundreds += 1;
      } catch {
        // An oversized body may be refused before it is read: the connection closes under us.
        status = 'connection closed';
      }
      const byStatus = (statuses[request.category] ??= {});
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: 16 }, lane));
  const seconds = (Date.now() - started) / 1000;
  await sleep(1000);
  const after = await scrape(env.relayUrl);
  const alive = await fetch(`${env.relayUrl}/healthz`).then(
    (r) => r.status,
    () => 0,
  );
  const peakRssMb = (relay.peakRssKb() ?? 0) / 1024;
  await relay.kill('SIGTERM');
  const delta = (name: string, labels: Record<string, string> = {}) =>
    total(after, name, labels) - total(before, name, labels);
  const accepted =
    delta('cosell_webhooks_total', { result: 'accepted' }) +
    delta('cosell_webhooks_total', { result: 'duplicate' });
  const jobsRun = delta('cosell_jobs_total');
  return {
    figures: {
      requests: requests.length,
      sendSeconds: Number(seconds.toFixed(1)),
      statusesByCategory: statuses,
      fiveHundreds,
      webhooksAccepted: accepted,
      jobsRun,
      relayPeakRssMbBefore: Number((rssBefore / 1024).toFixed(1)),
      relayPeakRssMb: Number(peakRssMb.toFixed(1)),
      relayHealthyAfter: alive === 200,
    },
    goals: [
      goal('fuzz: 0 5xx', fiveHundreds, fiveHundreds === 0),
      goal('fuzz: 0 jobs from bad input', accepted + jobsRun, accepted === 0 && jobsRun === 0),
      goal('fuzz: relay healthy afterwards', alive, alive === 200),
    ],
  };
};

const OWNER_OID = '7a1e5e11-0000-4000-8000-0000000e2001';
const COLLEAGUE_OID = '7a1e5e11-0000-4000-8000-0000000e2002';

/** /api with another seller's token (read but no write access) and with bad tokens. */
export const apiAccess: Scenario = async (env, sizes) => {
  const relay = await env.startRelay('relay', relaySettings(sizes));
  const owner = await env.seller(OWNER_OID);
  await env.seller(COLLEAGUE_OID);
  const { createSeedOpportunity } = await import('../../DevStack/sandbox/seedRecords');
  const { opportunityId } = await createSeedOpportunity(owner, { name: 'Owner’s deal' });
  await waitForConvergence(() => referralsPerOpportunity(env, [opportunityId]), 30_000);
  await queueIdle(env.relayUrl, 30_000);
  const tokenOf = async (oid: string) => {
    const response = await fetch(env.relayUrl + DEV_TOKEN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: oid }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const colleague = await tokenOf(COLLEAGUE_OID);
  const ownerToken = await tokenOf(OWNER_OID);
  const { privateKey } = await generateKeyPair('RS256');
  const forged = await new SignJWT({ oid: OWNER_OID, roles: ['CoSell.Admin'] })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer('http://127.0.0.1/cosell-sandbox')
    .setAudience('api://partner-center-cosell-sandbox')
    .setExpirationTime('1h')
    .sign(privateKey);
  const [header, payload] = ownerToken.split('.');
  const unsigned = `${header}.${payload}.`;
  const noneAlg = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
  const writes = [
    ['POST', RelayRoutes.syncNow(opportunityId), undefined],
    ['POST', RelayRoutes.accept(opportunityId), {}],
    ['POST', RelayRoutes.decline(opportunityId), { reason: 'Not ours' }],
  ] as const;
  const all = [
    ...writes,
    ['GET', RelayRoutes.preview(opportunityId), undefined],
    ['GET', RelayRoutes.liveStatus(opportunityId), undefined],
    ['GET', RelayRoutes.deadLetters, undefined],
  ] as const;
  const before = await scrape(env.relayUrl);
  const statuses: Record<string, Record<string, number>> = {};
  let unexpected = 0;
  let fiveHundreds = 0;
  const call = async (
    label: string,
    authorization: string | null,
    method: string,
    route: string,
    body: unknown,
    allowed: number[],
  ) => {
    const response = await fetch(env.relayUrl + route, {
      method,
      headers: {
        ...(authorization === null ? {} : { authorization }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await response.arrayBuffer();
    const byStatus = (statuses[label] ??= {});
    byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
    if (response.status >= 500) fiveHundreds += 1;
    if (!allowed.includes(response.status)) unexpected += 1;
  };
  for (const [method, route, body] of writes)
    await call('colleague writes', `Bearer ${colleague}`, method, route, body, [403]);
  await call(
    'colleague reads',
    `Bearer ${colleague}`,
    'GET',
    RelayRoutes.preview(opportunityId),
    undefined,
    [200],
  );
  // Dead letters are not tried with a colleague: sandbox tokens carry the admin role for everyone.
  const badTokens: Array<[string, string | null]> = [
    ['no token', null],
    ['garbage token', 'Bearer not.a.jwt'],
    ['wrong scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['forged signature', `Bearer ${forged}`],
    ['signature stripped', `Bearer ${unsigned}`],
    ['alg none', `Bearer ${noneAlg}`],
  ];
  for (const [label, authorization] of badTokens)
    for (const [method, route, body] of all) await call(label, authorization, method, route, body, [401]);
  await sleep(1000);
  const after = await scrape(env.relayUrl);
  const jobs = total(after, 'cosell_jobs_total') - total(before, 'cosell_jobs_total');
  await relay.kill('SIGTERM');
  return {
    figures: { statuses, unexpected, fiveHundreds, jobsQueued: jobs },
    goals: [
      goal('api: every refused call got 401/403 (preview allowed)', unexpected, unexpected === 0),
      goal('api: 0 5xx', fiveHundreds, fiveHundreds === 0),
      goal('api: 0 jobs from refused calls', jobs, jobs === 0),
    ],
  };
};

export const SCENARIOS: Record<string, Scenario> = {
  crash: crashDuringBurst,
  'second relay': secondRelayDuringBurst,
  'delivery faults': deliveryFaults,
  throttling,
  fuzz: fuzzWebhooks,
  api: apiAccess,
  failover,
  'throughput 1 replica': throughputOneReplica,
  'throughput 3 replicas': throughputThreeReplicas,
};

/** Runs one scenario on its own processes under `dir`. */
export async function runScenario(name: string, dir: string, sizes: Sizes): Promise<ScenarioResult> {
  const started = Date.now();
  const env = await startEnvironment(dir);
  try {
    const result = await SCENARIOS[name]!(env, sizes);
    return { scenario: name, ...result, seconds: Math.round((Date.now() - started) / 1000) };
  } finally {
    await env.stop();
  }
}
