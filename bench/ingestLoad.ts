/**
 * The ingest bench's load generator, in its own process (forked by bench/ingest.bench.ts, driven
 * over the IPC channel) so that sending requests does not share an event loop with the relay.
 * autocannon sends the requests; every request carries a distinct real body:
 *  - Dataverse: the powerapps-docs RemoteExecutionContext capture, retargeted to an opportunity
 *    Update, with its own OperationId and record id (so nothing is a duplicate or coalesced), and
 *    the webhook key in `code` as the service endpoint sends it;
 *  - Partner Center: the documented `referral-updated` event naming its own referral, signed
 *    RSA-SHA256 over the exact bytes (signed before the timed runs: signing is the sender's cost).
 */
import autocannon from 'autocannon';
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { OpportunityColumns, Tables } from '../Domain/constants';
import { DATAVERSE_WEBHOOK_PAYLOADS, PARTNER_CENTER_PAYLOADS } from '../tests/testkit/paths';

export type IngestRoute = 'dataverse' | 'partnercenter' | 'bare';

export interface LoadInit {
  type: 'init';
  /** Distinct bodies each run may use (warm-up + measured + one per connection of slack). */
  bodies: number;
  signingKeyPem: string;
  certificateUrl: string;
}

export interface LoadRun {
  type: 'run';
  route: IngestRoute;
  url: string;
  /** Path and query (the Dataverse webhook key travels in `code`). */
  path: string;
  connections: number;
  warmup: number;
  amount: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Accepted during the warm-up (their jobs are in the database too). */
  warmup2xx: number;
}

const DATAVERSE_SAMPLE = path.join(
  DATAVERSE_WEBHOOK_PAYLOADS,
  'update-contact-async-postimage.powerapps-docs.json',
);
const PARTNER_CENTER_SAMPLE = path.join(PARTNER_CENTER_PAYLOADS, 'webhook-referral-updated.json');

/** A GUID unique to body `i` (deterministic, so a failing run can be replayed). */
const guid = (prefix: string, i: number) => `${prefix}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

function dataverseTemplate(): (i: number) => string {
  const text = readFileSync(DATAVERSE_SAMPLE, 'utf8').replace(/^\uFEFF/, '');
  const body = JSON.parse(text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  body.MessageName = 'Update';
  body.PrimaryEntityName = Tables.opportunity;
  body.PrimaryEntityId = '@ID@';
  body.OperationId = '@OP@';
  body.CorrelationId = '@OP@';
  const target = body.InputParameters[0].value;
  target.LogicalName = Tables.opportunity;
  target.Id = '@ID@';
  target.Attributes = [
    { key: OpportunityColumns.id, value: '@ID@' },
    { key: OpportunityColumns.description, value: 'Scope grew' },
    { key: 'modifiedon', value: '/Date(1506384247000)/' },
  ];
  body.PostEntityImages = [];
  const retargeted = JSON.stringify(body);
  return (i) => retargeted.replaceAll('@ID@', guid('0b0b0b0b', i)).replaceAll('@OP@', guid('0a0a0a0a', i));
}

interface SignedBody {
  body: Buffer;
  headers: Record<string, string>;
}

function signedPartnerCenterBodies(count: number, keyPem: string, certificateUrl: string): SignedBody[] {
  const template = readFileSync(PARTNER_CENTER_SAMPLE, 'utf8');
  return Array.from({ length: count }, (_, i) => {
    const body = Buffer.from(template.replace('{{ReferralID}}', guid('0c0c0c0c', i)), 'utf8');
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-ms-certificate-url': certificateUrl,
        'x-ms-signature-algorithm': 'rsa-sha256',
        authorization: `Signature ${createSign('RSA-SHA256').update(body).sign(keyPem, 'base64')}`,
      },
    };
  });
}

let dataverseBody: (i: number) => string = () => '';
let partnerCenterBodies: SignedBody[] = [];

function requestOf(
  route: IngestRoute,
  i: number,
): { body: string | Buffer; headers: Record<string, string> } {
  if (route === 'partnercenter') {
    const signed = partnerCenterBodies[i];
    if (!signed) throw new Error(`only ${partnerCenterBodies.length} signed bodies prepared`);
    return signed;
  }
  return { body: dataverseBody(i), headers: { 'content-type': 'application/json' } };
}

/**
 * The run's result, and the seconds from its start to its last response: autocannon notices that
 * `amount` is reached only at its next 1 s sample tick, so its own duration rounds up to a whole
 * second (a run of 2 000 requests that took 1.6 s was reported as 2 s: 1 000/s instead of 1 250/s).
 */
function fire(
  run: LoadRun,
  first: number,
  amount: number,
): Promise<{ result: autocannon.Result; seconds: number }> {
  let next = first;
  const started = performance.now();
  let lastResponse = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: run.url,
        connections: run.connections,
        amount,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: run.path,
            setupRequest: (request) => ({ ...request, path: run.path, ...requestOf(run.route, next++) }),
          },
        ],
      },
      (error, result) =>
        error ? reject(error) : resolve({ result, seconds: (lastResponse - started) / 1000 }),
    );
    instance.on('response', () => {
      lastResponse = performance.now();
    });
  });
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function measure(run: LoadRun): Promise<LoadResult> {
  // Warm-up on bodies the measured run does not reuse: JIT, connections, SQLite page cache.
  const warmup = run.warmup > 0 ? (await fire(run, 0, run.warmup)).result : null;
  const { result, seconds } = await fire(run, run.warmup + run.connections, run.amount);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, Number(stats.count)]),
  );
  return {
    requests: result.requests.total,
    seconds: round(seconds, 3),
    requestsPerSecond: round(result.requests.total / seconds),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.mean, 2),
    },
    statusCodes,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    warmup2xx: warmup ? warmup.requests.total - warmup.non2xx : 0,
  };
}

process.on('message', (message: LoadInit | LoadRun) => {
  const reply = (value: unknown) => process.send!(value);
  if (message.type === 'init') {
    dataverseBody = dataverseTemplate();
    partnerCenterBodies = signedPartnerCenterBodies(
      message.bodies,
      message.signingKeyPem,
      message.certificateUrl,
    );
    reply({
      type: 'ready',
      bodyBytes: { dataverse: dataverseBody(0).length, partnercenter: partnerCenterBodies[0]?.body.length },
    });
    return;
  }
  measure(message).then(
    (result) => reply({ type: 'result', result }),
    (error: unknown) =>
      reply({ type: 'error', message: error instanceof Error ? error.stack : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
