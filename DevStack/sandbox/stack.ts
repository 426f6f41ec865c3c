/**
 * The local stack: both simulators and the relay on 127.0.0.1, wired through the real webhook
 * paths, with `cosell setup` run against the Dataverse simulator. `npm start` (./start.ts) and the
 * end-to-end tests (tests/e2e/sync) both build it here.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { UnsecuredJWT } from 'jose';
import { DEFAULT_FIELD_MAP } from '../../Domain/fieldMap';
import { EnvironmentVariables, SecurityRoles } from '../../Domain/constants';
import { loadConfig } from '../../Relay/config/config';
import type { RelayConfig } from '../../Relay/config/config';
import { runSetup } from '../../Relay/config/setup';
import type { SetupResult } from '../../Relay/config/setup';
import { createDataverseClient, staticTokenProvider as dataverseTokens } from '../../Relay/dataverse';
import type { DataverseClient } from '../../Relay/dataverse';
import { createLogger } from '../../Relay/logging/logger';
import {
  createCertificateFetcher,
  createPartnerCenterClient,
  createWebhookVerifier,
  staticTokenProvider as partnerCenterTokens,
} from '../../Relay/partnercenter';
import type { PartnerCenterApi, Logger } from '../../Relay/ports';
import { createRelay } from '../../Relay/server/relay';
import { createThrottleMeter } from '../../Relay/server/throttleMeter';
import type { Relay } from '../../Relay/server/relay';
import { startDataverseSimulator } from '../simulators/dataverse';
import type { DataverseSimulator } from '../simulators/dataverse';
import { startPartnerCenterSimulator } from '../simulators/partnercenter';
import type { PartnerCenterSimulator } from '../simulators/partnercenter';
import { SqliteStore } from '../../Relay/store/sqliteStore';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** Entra object id of the relay's (simulated) application registration. */
export const RELAY_APP_OBJECT_ID = '5b0f6c1e-2a41-4c47-9d7e-c05e11a70001';
/** Entra object id of the identity that runs `cosell setup` (an administrator's app registration). */
export const SETUP_APP_OBJECT_ID = '5b0f6c1e-2a41-4c47-9d7e-c05e11a70002';
/** Roles people get on first use: a sales role and the solution's seller role (Solution/README.md). */
export const SANDBOX_SELLER_ROLES = ['Salesperson', SecurityRoles.seller.name];
/** The sandbox's webhook key (not a secret: it only guards a loopback port). */
export const SANDBOX_WEBHOOK_KEY = 'sandbox-webhook-key-0123456789abcdef0123456789';

export interface StackOptions {
  /** Persist everything under this folder (`.sandbox/`); in memory when absent. */
  dataDir?: string;
  reset?: boolean;
  relayPort?: number;
  /** Start the worker and reconciliation (the sandbox); tests drive the queue themselves. */
  runWorker?: boolean;
  /** Managed solution zip; default the newest dist/PartnerCenterCoSell_*_managed.zip. */
  solutionZip?: Uint8Array;
  logger?: Logger;
  /** Partner Center webhook delivery backoff (tests: tiny). */
  deliveryDelayMs?: number;
  environmentVariables?: Record<string, string>;
  /** COSELL_* settings that replace the sandbox's own (a benchmark measuring production defaults). */
  relaySettings?: Record<string, string>;
}

export interface LocalStack {
  relay: Relay;
  relayUrl: string;
  dataverse: DataverseSimulator;
  partnerCenter: PartnerCenterSimulator;
  /** Clients acting as the relay's integration user (the solution's integration role only). */
  dataverseClient: DataverseClient;
  /** Acting as the administrator who ran `cosell setup` (System Administrator): customizing. */
  adminClient: DataverseClient;
  partnerCenterClient: PartnerCenterApi;
  integrationUserId: string;
  config: RelayConfig;
  setup: SetupResult;
  /** Until no webhook is in flight on either side and the queue has nothing due. */
  settle(): Promise<number>;
  /** Acting as a seller (another Dynamics user), whose writes the relay syncs. */
  sellerClient(objectId?: string): DataverseClient;
  stop(): Promise<void>;
}

export function findManagedZip(distDir = path.join(REPO_ROOT, 'dist')): string {
  const zips = readdirSync(distDir)
    .filter((f) => /^PartnerCenterCoSell_[\d_]+_managed\.zip$/.test(f))
    .sort();
  if (!zips.length) throw new Error(`No managed solution zip in ${distDir}: run \`npm run build\` first.`);
  return path.join(distDir, zips[zips.length - 1]!);
}

/** The simulator decodes (never verifies) tokens to learn the caller from `oid`. */
const simulatorToken = (claims: Record<string, unknown>) => new UnsecuredJWT(claims).encode();

export async function startLocalStack(options: StackOptions = {}): Promise<LocalStack> {
  const opened: Array<() => Promise<void>> = [];
  try {
    return await openLocalStack(options, opened);
  } catch (error) {
    // A start that fails half-way (no built zip, a setup error) closes what it had opened: a failed
    // test setup must leave no server behind, or the test process never ends.
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

async function openLocalStack(
  options: StackOptions,
  opened: Array<() => Promise<void>>,
): Promise<LocalStack> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const dir = (name: string) => (options.dataDir ? path.join(options.dataDir, name) : undefined);
  const partnerCenter = await startPartnerCenterSimulator({
    port: 0,
    dataDir: dir('partnercenter'),
    reset: options.reset,
    delivery:
      options.deliveryDelayMs === undefined
        ? undefined
        : { baseDelayMs: options.deliveryDelayMs, maxDelayMs: options.deliveryDelayMs },
  });
  opened.push(() => partnerCenter.close());
  const dataverse = await startDataverseSimulator({
    port: 0,
    dataDir: dir('dataverse'),
    reset: options.reset,
    // Sellers hold a sales role and the solution's seller role, as the solution README asks admins.
    rolesOnFirstUse: { user: SANDBOX_SELLER_ROLES },
  });
  opened.push(() => dataverse.close());
  // Loopback simulators: short backoff, few retries (tests and the sandbox stay snappy).
  const throttleMeter = createThrottleMeter();
  const fast = {
    retry: { maxRetries: 2, baseDelayMs: 20, maxDelayMs: 100 },
    logger: throttleMeter.logger(logger),
  };
  const dataverseClient = createDataverseClient({
    environmentUrl: dataverse.url,
    tokens: dataverseTokens(
      simulatorToken({ oid: RELAY_APP_OBJECT_ID, appid: 'cosell-relay', idtyp: 'app' }),
    ),
    http: fast,
  });
  const partnerCenterClient = createPartnerCenterClient({
    tokens: partnerCenterTokens({ referrals: 'sandbox-referrals-token', webhooks: 'sandbox-webhooks-token' }),
    referralsUrl: partnerCenter.referralsUrl,
    webhooksUrl: partnerCenter.webhooksUrl,
    http: fast,
    logger: fast.logger,
  });
  const adminClient = createDataverseClient({
    environmentUrl: dataverse.url,
    tokens: dataverseTokens(
      simulatorToken({ oid: SETUP_APP_OBJECT_ID, appid: 'cosell-setup', idtyp: 'app' }),
    ),
    http: { retry: fast.retry },
  });
  const integrationUserId = (await dataverseClient.whoAmI()).UserId.toLowerCase();
  const certificateHost = new URL(partnerCenter.certificateUrl).host;
  const config = loadConfig({
    COSELL_HOST: '127.0.0.1',
    COSELL_PORT: String(options.relayPort ?? 0),
    COSELL_SANDBOX: 'true',
    COSELL_DATAVERSE_URL: dataverse.url,
    COSELL_DATAVERSE_WEBHOOK_KEY: SANDBOX_WEBHOOK_KEY,
    COSELL_DATAVERSE_INTEGRATION_USER_ID: integrationUserId,
    COSELL_PC_CERT_HOSTS: certificateHost,
    COSELL_RETRY_BASE_MS: '200',
    COSELL_POLL_INTERVAL_MS: '200',
    COSELL_FIELD_MAP_REFRESH_SEC: '2',
    COSELL_RECONCILE_INTERVAL_SEC: options.runWorker ? '60' : '0',
    COSELL_LOG_LEVEL: 'info',
    ...options.relaySettings,
  });
  const store = new SqliteStore({
    filename: options.dataDir ? path.join(options.dataDir, 'relay.sqlite') : ':memory:',
  });
  opened.push(() => store.close());
  const relay = await createRelay({
    config,
    store,
    dataverse: dataverseClient,
    partnerCenter: partnerCenterClient,
    partnerCenterVerifier: createWebhookVerifier({
      fetchCertificate: createCertificateFetcher(),
      trustedCertificateHosts: [certificateHost],
      // Sandbox only: the simulator serves its certificate over http on loopback.
      allowInsecureCertificateUrls: true,
    }),
    logger,
    throttleMeter,
    corsOrigins: [/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/],
  });
  opened.push(() => relay.stop());
  // The worker and the start-up reconciliation begin once setup has imported the solution: before,
  // a fresh sandbox's first reconciliation read tables that did not exist yet (a logged 404).
  const relayUrl = await relay.start({ worker: false });
  const { readFileSync } = await import('node:fs');
  const setup = await runSetup({
    dataverse: adminClient,
    partnerCenter: partnerCenterClient,
    relayUrl,
    webhookKey: SANDBOX_WEBHOOK_KEY,
    solutionZip: options.solutionZip ?? readFileSync(findManagedZip()),
    environmentVariables: {
      [EnvironmentVariables.relayBaseUrl]: relayUrl,
      [EnvironmentVariables.relayClientId]: 'sandbox',
      ...options.environmentVariables,
    },
    fieldMap: DEFAULT_FIELD_MAP,
    dryRun: false,
    testEventTimeoutMs: 10_000,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
  });

  // Least privilege, as in production: the relay's application user holds only the solution's
  // integration role (the admin center step after import), so a privilege the relay needs but the
  // role lacks fails here as it would on Dataverse.
  dataverse.setUserRoles(integrationUserId, [SecurityRoles.integration.name]);
  if (options.runWorker) await relay.startWork();

  const settle = async () => {
    let ran = 0;
    // Rounds that ran or found work; a round that only saw the sandbox's own worker busy with a job
    // waits for it instead (else twenty quick rounds would pass while one job is still running).
    for (let round = 0, waits = 0; round < 20 && waits < 3000;) {
      await dataverse.drain();
      await partnerCenter.whenIdle();
      const n = await relay.worker.drain();
      ran += n;
      await dataverse.drain();
      await partnerCenter.whenIdle();
      // One read of the counts: with the worker running (the sandbox) a job can be claimed between
      // two reads, so "nothing queued" alone never ends the wait unless the same read saw it.
      const depth = await store.depth();
      const next = depth.queued > 0 ? await store.nextRunAt() : null;
      const onlyLater = depth.queued === 0 || (next !== null && next.getTime() > Date.now());
      if (n === 0 && depth.running === 0 && onlyLater) return ran;
      if (n === 0 && depth.running > 0) {
        waits += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
      } else round += 1;
    }
    return ran;
  };

  return {
    relay,
    relayUrl,
    dataverse,
    partnerCenter,
    dataverseClient,
    adminClient,
    partnerCenterClient,
    integrationUserId,
    config,
    setup,
    settle,
    sellerClient: (objectId = '7a1e5e11-0000-4000-8000-00000000c0de') =>
      createDataverseClient({
        environmentUrl: dataverse.url,
        tokens: dataverseTokens(
          simulatorToken({ oid: objectId, name: 'Sandbox Seller', upn: 'seller@contoso.example' }),
        ),
        // Not the relay's calls: the seller's retries stay out of the relay's metrics.
        http: { retry: fast.retry },
      }),
    async stop() {
      await relay.stop();
      await dataverse.close();
      await partnerCenter.close();
    },
  };
}
