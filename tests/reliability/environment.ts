/**
 * The system under test as separate processes on loopback: `cosell simulate dataverse`,
 * `cosell simulate partner-center` and one or more `cosell relay` in sandbox mode pointing at them.
 * `cosell setup`'s work (solution import, steps, the Partner Center webhook) is done once against the
 * simulators with an administrator's identity, as an admin would before starting the relay.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UnsecuredJWT } from 'jose';
import { EnvironmentVariables, SecurityRoles } from '../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../Domain/fieldMap';
import { WebhookPaths } from '../../Domain/relayApi';
import { runSetup } from '../../Relay/config/setup';
import { createDataverseClient, staticTokenProvider as dataverseTokens } from '../../Relay/dataverse';
import type { DataverseClient } from '../../Relay/dataverse';
import {
  createPartnerCenterClient,
  staticTokenProvider as partnerCenterTokens,
} from '../../Relay/partnercenter';
import type { PartnerCenterApi } from '../../Relay/ports';
import { createCatalogueSolution } from '../../DevStack/sandbox/seedRecords';
import { findManagedZip, SANDBOX_WEBHOOK_KEY, SETUP_APP_OBJECT_ID } from '../../DevStack/sandbox/stack';
import { freePort, startCosell } from './processes';
import type { CosellProcess } from './processes';

export interface RelaySettings {
  /** Seconds between reconciliation runs. */
  reconcileIntervalSec: number;
  /** Partner Center base URL the relay calls (a fault proxy in front of the simulator, or the simulator). */
  partnerCenterUrl?: string;
  /** Extra COSELL_* variables (e.g. COSELL_DATABASE_URL). */
  env?: Record<string, string>;
}

export interface Environment {
  dir: string;
  dataverseUrl: string;
  partnerCenterUrl: string;
  relayUrl: string;
  relayPort: number;
  dataverse: CosellProcess;
  partnerCenter: CosellProcess;
  /** Acting as the administrator who ran setup (reads everything). */
  admin: DataverseClient;
  /** The referrals API as the relay's own account would call it (reads for the checks). */
  referrals: PartnerCenterApi;
  /** A seller (a person) holding the solution's seller role, as Solution/README.md asks admins. */
  seller(objectId: string): Promise<DataverseClient>;
  /** Starts `cosell relay` (not waiting for it to listen). */
  spawnRelay(name: string, settings: RelaySettings, overrides?: { port?: number }): CosellProcess;
  /** Starts `cosell relay` and waits until it listens. */
  startRelay(name: string, settings: RelaySettings): Promise<CosellProcess>;
  /** JSON call to a simulator's control API (`/_control/...`). */
  control<T = unknown>(
    side: 'dataverse' | 'partnerCenter',
    method: string,
    route: string,
    body?: unknown,
  ): Promise<T>;
  stop(): Promise<void>;
}

const token = (claims: Record<string, unknown>) => new UnsecuredJWT(claims).encode();
const fast = { retry: { maxRetries: 4, baseDelayMs: 50, maxDelayMs: 500 } };

/** Real time per modelled millisecond of Dataverse's async retries (1 min → 1.2 s). */
export const DATAVERSE_RETRY_TIME_SCALE = 0.02;

export async function startEnvironment(dir: string): Promise<Environment> {
  mkdirSync(dir, { recursive: true });
  const started: CosellProcess[] = [];
  const log = (name: string) => path.join(dir, `${name}.log`);
  try {
    const partnerCenter = startCosell(
      'partner-center simulator',
      ['simulate', 'partner-center', '--port', '0', '--data-dir', path.join(dir, 'partnercenter'), '--reset'],
      {},
      log('partnercenter'),
    );
    started.push(partnerCenter);
    const dataverse = startCosell(
      'dataverse simulator',
      [
        'simulate',
        'dataverse',
        '--port',
        '0',
        '--data-dir',
        path.join(dir, 'dataverse'),
        '--reset',
        '--retry-time-scale',
        String(DATAVERSE_RETRY_TIME_SCALE),
      ],
      {},
      log('dataverse'),
    );
    started.push(dataverse);
    const partnerCenterUrl = (
      await partnerCenter.waitForLine(/Partner Center simulator on (http:\/\/\S+)/)
    )[1]!;
    const dataverseUrl = new URL((await dataverse.waitForLine(/listening on (http:\/\/\S+)/))[1]!).origin;

    const admin = createDataverseClient({
      environmentUrl: dataverseUrl,
      tokens: dataverseTokens(token({ oid: SETUP_APP_OBJECT_ID, appid: 'cosell-setup', idtyp: 'app' })),
      http: fast,
    });
    const referrals = createPartnerCenterClient({
      tokens: partnerCenterTokens({ referrals: 'reliability-token', webhooks: 'reliability-token' }),
      referralsUrl: `${partnerCenterUrl}/v1.0/engagements/referrals`,
      webhooksUrl: `${partnerCenterUrl}/webhooks/v1/registration`,
      http: fast,
    });
    const relayPort = await freePort();
    const relayUrl = `http://127.0.0.1:${relayPort}`;

    const spawnRelay = (name: string, settings: RelaySettings, overrides: { port?: number } = {}) => {
      const relay = startCosell(
        name,
        ['relay'],
        {
          COSELL_HOST: '127.0.0.1',
          COSELL_PORT: String(overrides.port ?? relayPort),
          COSELL_SANDBOX: 'true',
          COSELL_DATA_DIR: path.join(dir, 'relay'),
          COSELL_DATAVERSE_URL: dataverseUrl,
          COSELL_DATAVERSE_WEBHOOK_KEY: SANDBOX_WEBHOOK_KEY,
          COSELL_PC_BASE_URL: settings.partnerCenterUrl ?? partnerCenterUrl,
          COSELL_PC_WEBHOOK_BASE_URL: partnerCenterUrl,
          COSELL_PC_CERT_HOSTS: new URL(partnerCenterUrl).host,
          COSELL_RETRY_BASE_MS: '200',
          COSELL_POLL_INTERVAL_MS: '200',
          COSELL_RECONCILE_INTERVAL_SEC: String(settings.reconcileIntervalSec),
          COSELL_LOG_LEVEL: 'info',
          ...settings.env,
        },
        log(name.replace(/\W+/g, '-')),
      );
      started.push(relay);
      return relay;
    };

    const control = async <T>(
      side: 'dataverse' | 'partnerCenter',
      method: string,
      route: string,
      body?: unknown,
    ) => {
      const base = side === 'dataverse' ? dataverseUrl : partnerCenterUrl;
      const response = await fetch(`${base}/_control/${route}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${side} ${method} /_control/${route}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    };

    // What `cosell setup` does, against the simulators, before the relay runs.
    await runSetup({
      dataverse: admin,
      partnerCenter: referrals,
      relayUrl,
      webhookKey: SANDBOX_WEBHOOK_KEY,
      solutionZip: readFileSync(findManagedZip()),
      environmentVariables: {
        [EnvironmentVariables.relayBaseUrl]: relayUrl,
        [EnvironmentVariables.relayClientId]: 'sandbox',
      },
      fieldMap: DEFAULT_FIELD_MAP,
      dryRun: false,
      // The relay is not running yet: nothing would answer the test event.
      testEvent: false,
    });
    await createCatalogueSolution(admin);

    return {
      dir,
      dataverseUrl,
      partnerCenterUrl,
      relayUrl,
      relayPort,
      dataverse,
      partnerCenter,
      admin,
      referrals,
      async seller(objectId) {
        const seller = createDataverseClient({
          environmentUrl: dataverseUrl,
          tokens: dataverseTokens(
            token({ oid: objectId, name: 'Reliability Seller', upn: `${objectId}@contoso.example` }),
          ),
          http: fast,
        });
        // First use creates the user (with the simulator's first-use role); the admin adds ours.
        const { UserId } = await seller.whoAmI();
        await admin.associate(
          'systemusers',
          UserId,
          'systemuserroles_association',
          'roles',
          SecurityRoles.seller.id,
        );
        return seller;
      },
      spawnRelay,
      async startRelay(name, settings) {
        const relay = spawnRelay(name, settings);
        await relay.waitForLine(/relay listening on/);
        return relay;
      },
      control,
      async stop() {
        for (const process of started.reverse()) await process.kill('SIGKILL');
      },
    };
  } catch (error) {
    for (const process of started.reverse()) await process.kill('SIGKILL');
    throw error;
  }
}

/** The relay's webhook URLs (for the fuzz run). */
export const webhookUrls = (relayUrl: string) => ({
  dataverse: `${relayUrl}${WebhookPaths.dataverse}`,
  partnerCenter: `${relayUrl}${WebhookPaths.partnerCenter}`,
});
