/**
 * `startDataverseSimulator`: a local Dataverse Web API on 127.0.0.1 for tests, the sandbox and
 * `cosell simulate dataverse`. Schema = ./baseSchema + whatever solution zips are imported;
 * rows persist in `<dataDir>/dataverse.sqlite` when a data dir is given.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../Relay/ports';
import { AsyncService, DEFAULT_ASYNC_RETRY_POLICY } from './asyncService';
import type { AsyncRetryPolicy } from './asyncService';
import { baseSchema } from './baseSchema';
import { DeliveryFaults } from './deliveryFaults';
import type { DeliveryFaultSettings, DeliveryFaultState } from './deliveryFaults';
import { EventPipeline } from './events';
import type { DeliveryRecord } from './events';
import { Faults } from './faults';
import type { FaultSettings } from './faults';
import { ImportService, SCHEMA_META_KEY } from './importService';
import type { ImportSummary } from './importService';
import { MetadataStore } from './metadata';
import type { SchemaSnapshot } from './metadata';
import { OrganizationService } from './organizationService';
import { SALESPERSON, Security, SYSTEM_ADMINISTRATOR } from './security';
import {
  ensureMessageFilters,
  ROOT_BUSINESS_UNIT_ID,
  seedBaseRows,
  seedSecurity,
  SYSTEM_USER_ID,
  USD_CURRENCY_ID,
} from './seed';
import { buildServer } from './server';
import { RecordStore } from './store';
import { API_PATH, WebApi } from './webApi';

export interface DataverseSimulatorOptions {
  /** 0 = any free port. */
  port?: number;
  /** Persist rows and imported schema here; in memory when absent. */
  dataDir?: string;
  /** Start from an empty environment (deletes the data dir's database). */
  reset?: boolean;
  clock?: Clock;
  /** Organization name (webhook OrganizationName, x-ms-dynamics-organization host). */
  organizationName?: string;
  /** Reject requests without a bearer token (default false: they act as SYSTEM). */
  requireAuth?: boolean;
  /** Retries of failed asynchronous deliveries (defaults: our assumed schedule, see README). */
  asyncRetry?: Partial<AsyncRetryPolicy>;
  /**
   * Role names given to users created on first use: people (default the seller role "Salesperson")
   * and application users (default "System Administrator"). Names no role has yet are skipped.
   */
  rolesOnFirstUse?: { user?: string[]; application?: string[] };
}

export interface DataverseSimulator {
  /** `http://127.0.0.1:<port>` — what a client uses as the environment URL. */
  url: string;
  /** `<url>/api/data/v9.2/` */
  apiUrl: string;
  port: number;
  /** Import a solution zip directly (same path as the ImportSolution action). */
  importSolution(zip: Uint8Array): Promise<ImportSummary>;
  /** Configure throttling / latency (same as POST /_control/faults). */
  setFaults(settings: FaultSettings): void;
  /** Lose / duplicate / delay asynchronous deliveries (same as PUT /_control/delivery-faults). */
  setDeliveryFaults(settings: DeliveryFaultSettings): DeliveryFaultState;
  /** Send the deliveries held by the delay fault now, newest first. */
  releaseDeliveries(): number;
  /** Run a suspended (or waiting) system job now. */
  resumeSystemJob(asyncOperationId: string): Promise<boolean>;
  /** Every webhook delivery so far (sync and async). */
  deliveries(): DeliveryRecord[];
  /**
   * Wait until queued asynchronous deliveries have run. Jobs waiting for a retry are waited for only
   * with `retries` (give the simulator a small `asyncRetry.timeScale` then).
   */
  drain(options?: { retries?: boolean }): Promise<void>;
  /** Replace a user's security roles (by role name), as an admin does in the admin center. */
  setUserRoles(systemuserid: string, roleNames: string[]): void;
  /** Well-known ids of seeded rows. */
  ids: {
    systemUser: string;
    rootBusinessUnit: string;
    usdCurrency: string;
    systemAdministratorRole: string;
    salespersonRole: string;
  };
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

export async function startDataverseSimulator(
  options: DataverseSimulatorOptions = {},
): Promise<DataverseSimulator> {
  const clock = options.clock ?? systemClock;
  const organizationName = options.organizationName ?? 'cosellsim';
  const store = new RecordStore(options.dataDir, options.reset ?? false);
  const metadata = new MetadataStore(baseSchema());
  // A data dir from an older simulator gains the platform tables and columns added since.
  const persisted = store.getMeta<SchemaSnapshot>(SCHEMA_META_KEY);
  if (persisted) metadata.load(persisted);
  const organizationId = store.getMeta<string>('organizationId') ?? randomUUID();
  store.setMeta('organizationId', organizationId);
  const security = new Security({ store, metadata, systemUserId: SYSTEM_USER_ID });
  const firstUse = {
    user: options.rolesOnFirstUse?.user ?? [SALESPERSON.name],
    application: options.rolesOnFirstUse?.application ?? [SYSTEM_ADMINISTRATOR.name],
  };
  const seed = () => {
    const now = clock.now().toISOString();
    seedBaseRows(store, now, organizationName);
    ensureMessageFilters(store, metadata, now);
    seedSecurity(security, store, now, firstUse);
  };
  seed();

  const deliveries: DeliveryRecord[] = [];
  const deliveryFaults = new DeliveryFaults();
  const asyncJobs = new AsyncService({
    store,
    clock,
    faults: deliveryFaults,
    policy: { ...DEFAULT_ASYNC_RETRY_POLICY, ...options.asyncRetry },
    log: deliveries,
  });

  let baseUrl = '';
  const organization = {
    id: organizationId,
    name: organizationName,
    host: `${organizationName}.crm.dynamics.com`,
  };
  const pipeline = new EventPipeline({
    store,
    metadata,
    clock,
    organization,
    businessUnitId: () => ROOT_BUSINESS_UNIT_ID,
    asyncJobs,
    deliveries,
  });
  const service = new OrganizationService({ store, metadata, pipeline, clock, security });
  const importer = new ImportService({ store, metadata, clock, security });
  const webApi = new WebApi({
    store,
    metadata,
    service,
    pipeline,
    importer,
    clock,
    organization,
    security,
    baseUrl: () => baseUrl,
  });
  const faults = new Faults();
  const app = buildServer({
    webApi,
    store,
    pipeline,
    faults,
    deliveryFaults,
    asyncJobs,
    identity: {
      requireAuth: options.requireAuth ?? false,
      now: () => clock.now().toISOString(),
      onUserCreated: (userId, isApplication) =>
        security.assignByName(userId, isApplication ? firstUse.application : firstUse.user),
    },
    reset: () => {
      for (const table of metadata.allTables())
        for (const row of store.list(table.logicalName))
          store.delete(table.logicalName, String(row[table.primaryIdAttribute]));
      metadata.load(baseSchema());
      seed();
    },
  });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  // Jobs a previous run left ready or waiting carry on, as the async service does after a restart.
  asyncJobs.recover();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    apiUrl: baseUrl + API_PATH,
    port,
    async importSolution(zip) {
      const parsed = await importer.parse(zip);
      return store.transaction(async () => importer.apply(parsed));
    },
    setFaults: (settings) => faults.configure(settings),
    setDeliveryFaults: (settings) => deliveryFaults.configure(settings),
    releaseDeliveries: () => asyncJobs.release(),
    resumeSystemJob: (id) => asyncJobs.resume(id),
    deliveries: () => [...deliveries],
    drain: (drainOptions) => pipeline.drain(drainOptions),
    setUserRoles(systemuserid, roleNames) {
      const userId = systemuserid.toLowerCase();
      const wanted = roleNames.map((name) => {
        const role = security.roleByName(name);
        if (!role) throw new Error(`No security role named "${name}"`);
        return String(role.roleid);
      });
      for (const roleId of security.roleIdsOf(userId))
        if (!wanted.includes(roleId)) security.disassociate(userId, roleId);
      for (const roleId of wanted) security.associate(userId, roleId);
    },
    ids: {
      systemUser: SYSTEM_USER_ID,
      rootBusinessUnit: ROOT_BUSINESS_UNIT_ID,
      usdCurrency: USD_CURRENCY_ID,
      systemAdministratorRole: SYSTEM_ADMINISTRATOR.id,
      salespersonRole: SALESPERSON.id,
    },
    async close() {
      await pipeline.drain();
      await asyncJobs.close();
      await app.close();
      store.close();
    },
  };
}

export type {
  AsyncRetryPolicy,
  DeliveryFaultSettings,
  DeliveryFaultState,
  DeliveryRecord,
  FaultSettings,
  ImportSummary,
};
export { DEFAULT_ASYNC_RETRY_POLICY, retryDelayMs, SystemJobStatus } from './asyncService';
export { SdkMessageIds } from './baseSchema';
