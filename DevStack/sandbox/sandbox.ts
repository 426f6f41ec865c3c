/**
 * `npm start`'s sandbox: the local stack (both simulators + relay, setup done) kept in `.sandbox/`,
 * seeded once, with the endpoints written to `.sandbox/endpoints.json`. Other parts of the product
 * add their own servers (the demo form) as extra starters: see `SandboxExtraStarter`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentVariables } from '../../Domain/constants';
import { createLogger } from '../../Relay/logging/logger';
import { DEV_TOKEN_PATH } from '../../Relay/server/routes/devToken';
import { seedSandbox } from './seed';
import type { SeedResult } from './seed';
import { REPO_ROOT, SANDBOX_SELLER_ROLES, startLocalStack } from './stack';
import type { LocalStack } from './stack';

export const SANDBOX_DIR = path.join(REPO_ROOT, '.sandbox');

export interface SandboxEndpoints {
  relay: string;
  relayHealth: string;
  relayMetrics: string;
  /** POST {userId} → {access_token, expires_in} (sandbox only). */
  devToken: string;
  dataverse: string;
  dataverseApi: string;
  partnerCenter: string;
  partnerCenterReferrals: string;
  partnerCenterWebhooks: string;
  /** Ids a browser app needs: the seller user to impersonate. */
  sellerObjectId: string;
  /** Extra servers by name (e.g. `demo`). */
  extras: Record<string, string>;
}

/** A server started alongside the sandbox (the demo form); gets the endpoints and the stack. */
export type SandboxExtraStarter = (context: {
  endpoints: SandboxEndpoints;
  stack: LocalStack;
}) => Promise<{ name: string; url: string; close(): Promise<void> }>;

export interface SandboxOptions {
  dataDir?: string;
  reset?: boolean;
  relayPort?: number;
  extras?: SandboxExtraStarter[];
  logLevel?: string;
}

export interface Sandbox {
  endpoints: SandboxEndpoints;
  stack: LocalStack;
  seed: SeedResult;
  stop(): Promise<void>;
}

export const SANDBOX_SELLER_OBJECT_ID = '7a1e5e11-0000-4000-8000-00000000c0de';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const opened: Array<() => Promise<void>> = [];
  try {
    return await openSandbox(options, opened);
  } catch (error) {
    // Half-way failures (seeding, an extra) close what was opened, like startLocalStack.
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

async function openSandbox(options: SandboxOptions, opened: Array<() => Promise<void>>): Promise<Sandbox> {
  const dataDir = options.dataDir ?? SANDBOX_DIR;
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const stack = await startLocalStack({
    dataDir,
    relayPort: options.relayPort ?? 0,
    runWorker: true,
    logger: createLogger({ level: options.logLevel ?? 'warn' }),
    // The demo works on the opportunity form: its Microsoft referrals land as opportunities (the
    // product's default is a lead, docs/inbound-referrals.md).
    environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
  });
  opened.push(() => stack.stop());
  const seller = stack.sellerClient(SANDBOX_SELLER_OBJECT_ID);
  // In the sandbox one person plays seller, sales manager (answers referrals the relay created) and
  // customizer (the demo's form editor publishes FormXml): that user also administers the simulator.
  // The end-to-end tests keep sellers to their seller roles.
  const { UserId: sellerUserId } = await seller.whoAmI();
  stack.dataverse.setUserRoles(sellerUserId, [...SANDBOX_SELLER_ROLES, 'System Administrator']);
  const seed = await seedSandbox(stack.dataverseClient, seller, stack.partnerCenter);
  const endpoints: SandboxEndpoints = {
    relay: stack.relayUrl,
    relayHealth: `${stack.relayUrl}/healthz`,
    relayMetrics: `${stack.relayUrl}/metrics`,
    devToken: `${stack.relayUrl}${DEV_TOKEN_PATH}`,
    dataverse: stack.dataverse.url,
    dataverseApi: stack.dataverse.apiUrl,
    partnerCenter: stack.partnerCenter.url,
    partnerCenterReferrals: stack.partnerCenter.referralsUrl,
    partnerCenterWebhooks: stack.partnerCenter.webhooksUrl,
    sellerObjectId: SANDBOX_SELLER_OBJECT_ID,
    extras: {},
  };
  const started: Array<{ name: string; url: string; close(): Promise<void> }> = [];
  for (const starter of options.extras ?? []) {
    const extra = await starter({ endpoints, stack });
    opened.push(() => extra.close());
    started.push(extra);
    endpoints.extras[extra.name] = extra.url;
  }
  writeFileSync(path.join(dataDir, 'endpoints.json'), `${JSON.stringify(endpoints, null, 2)}\n`);
  return {
    endpoints,
    stack,
    seed,
    async stop() {
      for (const extra of started.reverse()) await extra.close();
      await stack.stop();
    },
  };
}
