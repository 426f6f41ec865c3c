/**
 * The relay's configuration, read from environment variables (`COSELL_*`) and validated once at
 * start. Every error names the variable, what is wrong and what to set, so an admin fixes it in one
 * go instead of discovering problems one request at a time.
 */
import { BlockList, isIP } from 'node:net';
import * as z from 'zod';
import { parseYesNo } from '../../Domain/environmentVariables';
import { isGuid } from '../../Domain/ids';

// `kind` names the value's type in docs/configuration.md (see ./schemaFields.ts).
const bool = z
  .string()
  .transform((text, context) => {
    const value = parseYesNo(text);
    if (value === null)
      context.addIssue({ code: 'custom', message: 'expected true, false, yes, no, 1 or 0' });
    return value === true;
  })
  .meta({ kind: 'boolean (true/false, yes/no, 1/0)' });
const guid = z.string().refine(isGuid, 'must be a GUID').meta({ kind: 'GUID' });
const httpUrl = z.url({ protocol: /^https?$/ }).meta({ kind: 'http(s) URL' });
const list = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .meta({ kind: 'comma-separated list' });

/**
 * Variable name → schema; the variable names are the documented interface. Each `description` is
 * the text of docs/configuration.md (`npm run build:config-doc`); `secret` values are never printed.
 */
export const EnvSchema = z.object({
  COSELL_HOST: z
    .string()
    .default('127.0.0.1')
    .meta({ description: 'Address the HTTP server binds to; `0.0.0.0` in a container.' }),
  COSELL_PORT: z.coerce.number().int().min(0).max(65535).default(7071).meta({
    description:
      'TCP port of the HTTP server (webhooks, `/api`, `/healthz`, `/metrics`); 0 picks a free one.',
  }),
  COSELL_PUBLIC_URL: httpUrl.optional().meta({
    description:
      'The https address where Dataverse and Partner Center reach this relay; `cosell setup` builds both webhook URLs from it.',
  }),
  COSELL_DATA_DIR: z.string().min(1).default('.relay').meta({
    description: 'Directory of the durable queue (`relay.sqlite`); mount it as a volume and back it up.',
  }),
  COSELL_DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .optional()
    .meta({
      description:
        'PostgreSQL database shared by several relay replicas, e.g. `postgres://cosell:<password>@db:5432/cosell?sslmode=require`. Unset: the embedded SQLite queue in COSELL_DATA_DIR, owned by one relay.',
      secret: true,
    }),
  COSELL_DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _ only')
    .default('cosell')
    .meta({ description: 'PostgreSQL schema of the relay tables; created and migrated at start.' }),
  COSELL_DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10).meta({
    description: 'PostgreSQL connections per relay replica, plus one held for leader election.',
  }),
  COSELL_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .meta({ description: 'Minimum level of the JSON log lines written to stdout.' }),
  COSELL_SANDBOX: bool.default(false).meta({
    description:
      'Local development only: `/api` accepts tokens of a built-in issuer. Refused unless COSELL_HOST is loopback and no COSELL_AUTH_* is set.',
  }),

  COSELL_DATAVERSE_URL: httpUrl.meta({
    description: 'The Dataverse environment URL, e.g. `https://contoso.crm.dynamics.com`.',
  }),
  COSELL_DATAVERSE_WEBHOOK_KEY: z.string().min(32, 'must be at least 32 characters of random text').meta({
    description:
      'Shared secret Dataverse sends with every webhook (WebhookKey `?code=` or the header below); `cosell setup` registers it.',
    secret: true,
  }),
  COSELL_DATAVERSE_WEBHOOK_HEADER: z.string().min(1).optional().meta({
    description:
      'When set, the key is expected in this header (service endpoint auth type HttpHeader) instead of `?code=`.',
  }),
  COSELL_DATAVERSE_INTEGRATION_USER_ID: guid.optional().meta({
    description:
      "The relay's application user in Dataverse (its own writes are never synced back); asked with WhoAmI when unset.",
  }),
  COSELL_DATAVERSE_TENANT_ID: z.string().optional().meta({
    description: 'Entra ID tenant of the Dataverse environment (client-credentials sign-in).',
  }),
  COSELL_DATAVERSE_CLIENT_ID: z.string().optional().meta({
    description:
      'Application (client) id of the relay app registration used as the Dataverse application user.',
  }),
  COSELL_DATAVERSE_CLIENT_SECRET: z.string().optional().meta({
    description: 'Client secret of that app registration.',
    secret: true,
  }),

  COSELL_PC_BASE_URL: httpUrl
    .default('https://api.partner.microsoft.com')
    .meta({ description: 'Partner Center Referrals API base URL (the simulator in development).' }),
  COSELL_PC_WEBHOOK_BASE_URL: httpUrl
    .default('https://api.partnercenter.microsoft.com')
    .meta({ description: 'Partner Center webhook registration API base URL.' }),
  COSELL_PC_TENANT_ID: z
    .string()
    .optional()
    .meta({ description: "The partner's Entra ID tenant (Partner Center sign-in)." }),
  COSELL_PC_CLIENT_ID: z.string().optional().meta({
    description: 'Application (client) id of the app registration with the Partner Center API permission.',
  }),
  COSELL_PC_REFRESH_TOKEN: z.string().optional().meta({
    description:
      'Refresh token of the Referrals-admin user (app + user sign-in, as the Referrals API requires).',
    secret: true,
  }),
  COSELL_PC_CERT_HOSTS: list.default(['3psostorageacct.blob.core.windows.net']).meta({
    description:
      'Hosts allowed in `X-MS-Certificate-Url` of Partner Center webhooks: `host` (its default port only) or `host:port` (the documented Microsoft host by default).',
  }),

  COSELL_AUTH_ISSUER: z.string().min(1).optional().meta({
    description:
      'Issuer of `/api` tokens, e.g. `https://login.microsoftonline.com/<tenant>/v2.0` (set with the two below).',
  }),
  COSELL_AUTH_AUDIENCE: z.string().min(1).optional().meta({
    description: "Audience of `/api` tokens: the relay API's app id URI or client id.",
  }),
  COSELL_AUTH_JWKS_URI: httpUrl.optional().meta({
    description:
      'Signing keys of `/api` tokens, e.g. `https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys`.',
  }),
  COSELL_ADMIN_ROLE: z
    .string()
    .min(1)
    .default('CoSell.Admin')
    .meta({ description: 'App role that may list, retry and discard dead letters through `/api`.' }),

  COSELL_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4).meta({
    description:
      'The most jobs the worker runs at once (never two of the same record). It starts there, halves on each 429 (or 503 with Retry-After) from Partner Center or Dataverse, starts none until the Retry-After has passed, and climbs back one job per round of successful jobs (`cosell_worker_concurrency_limit` on /metrics). Above the default, bursts finish sooner (docs/operations.md), but several PostgreSQL replicas at 32 produced duplicate referrals in the failover test, so keep 4 there.',
  }),
  COSELL_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(8)
    .meta({ description: 'Attempts of a job before it becomes a dead letter.' }),
  COSELL_RETRY_BASE_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(2000)
    .meta({ description: 'First retry delay of a failed job; it doubles with each attempt (with jitter).' }),
  COSELL_POLL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(500)
    .meta({ description: 'How often an idle worker looks for due jobs.' }),
  COSELL_JOB_LEASE_SEC: z.coerce.number().int().min(1).max(3600).default(30).meta({
    description:
      "Seconds a claimed job stays its worker's, renewed while it runs; a dead worker's job is taken over after it.",
  }),
  COSELL_RECONCILE_INTERVAL_SEC: z.coerce.number().int().min(0).default(300).meta({
    description: 'Seconds between reconciliation runs that catch missed webhooks; 0 turns them off.',
  }),
  COSELL_FIELD_MAP_REFRESH_SEC: z.coerce.number().int().min(1).default(300).meta({
    description:
      'Seconds the field map read from the forms is cached for syncs to Partner Center; pulls of referrals keep it until a form is published again.',
  }),
});

export interface RelayConfig {
  host: string;
  port: number;
  publicUrl: string | null;
  dataDir: string;
  /** null: embedded SQLite in dataDir. */
  database: { url: string; schema: string; poolMax: number } | null;
  logLevel: string;
  sandbox: boolean;
  dataverse: {
    url: string;
    webhookKey: string;
    webhookHeader: string | null;
    integrationUserId: string | null;
    tenantId: string | null;
    clientId: string | null;
    clientSecret: string | null;
  };
  partnerCenter: {
    baseUrl: string;
    webhookBaseUrl: string;
    tenantId: string | null;
    clientId: string | null;
    refreshToken: string | null;
    certificateHosts: string[];
  };
  auth: { issuer: string | null; audience: string | null; jwksUri: string | null; adminRole: string };
  worker: {
    concurrency: number;
    maxAttempts: number;
    retryBaseMs: number;
    pollIntervalMs: number;
    jobLeaseSec: number;
    reconcileIntervalSec: number;
    fieldMapRefreshSec: number;
  };
}

/** Raised with every problem at once; `message` is ready to print. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Relay configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const HINTS: Record<string, string> = {
  COSELL_DATAVERSE_URL: 'set it to your environment URL, e.g. https://contoso.crm.dynamics.com',
  COSELL_DATAVERSE_WEBHOOK_KEY: 'generate one with `openssl rand -hex 32`; `cosell setup` registers it',
  COSELL_PUBLIC_URL: 'the https address where Dataverse and Partner Center can reach this relay',
  COSELL_DATABASE_URL: 'e.g. postgres://cosell:<password>@db.example.com:5432/cosell?sslmode=require',
};

/**
 * Addresses only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`, which
 * RFC 6761 §6.3 reserves for loopback. A wildcard (0.0.0.0, ::) or a named host is not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  const address = mapped ?? bare;
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Sandbox mode trusts a development token issuer and serves /dev/token, which signs admin tokens
 * for anyone who asks: safe only where nobody else can connect, and never beside a real identity
 * provider an operator meant to be in force.
 */
function sandboxProblems(e: z.infer<typeof EnvSchema>): string[] {
  if (!e.COSELL_SANDBOX) return [];
  const problems: string[] = [];
  if (!isLoopbackHost(e.COSELL_HOST)) {
    problems.push(
      `COSELL_SANDBOX=true needs COSELL_HOST to be a loopback address (127.0.0.1, ::1 or localhost), not ${e.COSELL_HOST}: ` +
        'sandbox mode hands out admin tokens to any caller',
    );
  }
  const authSet = AUTH_VARIABLES.filter((name) => e[name] !== undefined);
  if (authSet.length) {
    problems.push(
      `COSELL_SANDBOX=true cannot be combined with ${authSet.join(', ')}: sandbox mode replaces Entra ID ` +
        'validation; unset COSELL_SANDBOX to use the identity provider, or unset those variables',
    );
  }
  return problems;
}

const AUTH_VARIABLES = ['COSELL_AUTH_ISSUER', 'COSELL_AUTH_AUDIENCE', 'COSELL_AUTH_JWKS_URI'] as const;

/** Where the queue lives: what every command that opens the store needs, and nothing else. */
export type StoreConfig = Pick<RelayConfig, 'dataDir' | 'database'>;

type Env = Record<string, string | undefined>;

/** `env` read through `schema`, or a ConfigError naming every variable that is wrong. */
function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  // Empty strings mean "unset" (shells and .env files produce them).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        const got = cleaned[name] === undefined ? 'is not set' : 'is invalid';
        const hint = HINTS[name] ? ` (${HINTS[name]})` : '';
        return `${name} ${got}: ${issue.message}${hint}`;
      }),
    );
  }
  return parsed.data;
}

const StoreEnvSchema = EnvSchema.pick({
  COSELL_DATA_DIR: true,
  COSELL_DATABASE_URL: true,
  COSELL_DATABASE_SCHEMA: true,
  COSELL_DATABASE_POOL_MAX: true,
});

const storeConfigOf = (e: z.infer<typeof StoreEnvSchema>): StoreConfig => ({
  dataDir: e.COSELL_DATA_DIR,
  database: e.COSELL_DATABASE_URL
    ? { url: e.COSELL_DATABASE_URL, schema: e.COSELL_DATABASE_SCHEMA, poolMax: e.COSELL_DATABASE_POOL_MAX }
    : null,
});

/** The store settings alone: admin commands open the relay's queue without its Dataverse settings. */
export function loadStoreConfig(env: Env = process.env): StoreConfig {
  return storeConfigOf(parseEnv(StoreEnvSchema, env));
}

export function loadConfig(env: Env = process.env): RelayConfig {
  const e = parseEnv(EnvSchema, env);
  const problems: string[] = sandboxProblems(e);
  // Not in sandbox mode, /api needs a real identity provider: refuse to start half-configured.
  const authVars = [e.COSELL_AUTH_ISSUER, e.COSELL_AUTH_AUDIENCE, e.COSELL_AUTH_JWKS_URI];
  if (!e.COSELL_SANDBOX && authVars.some(Boolean) && !authVars.every(Boolean)) {
    problems.push(
      'COSELL_AUTH_ISSUER, COSELL_AUTH_AUDIENCE and COSELL_AUTH_JWKS_URI must be set together ' +
        '(e.g. https://login.microsoftonline.com/<tenant>/v2.0, api://<relay-app-id>, ' +
        'https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys)',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    host: e.COSELL_HOST,
    port: e.COSELL_PORT,
    publicUrl: e.COSELL_PUBLIC_URL ?? null,
    ...storeConfigOf(e),
    logLevel: e.COSELL_LOG_LEVEL,
    sandbox: e.COSELL_SANDBOX,
    dataverse: {
      url: e.COSELL_DATAVERSE_URL,
      webhookKey: e.COSELL_DATAVERSE_WEBHOOK_KEY,
      webhookHeader: e.COSELL_DATAVERSE_WEBHOOK_HEADER ?? null,
      integrationUserId: e.COSELL_DATAVERSE_INTEGRATION_USER_ID?.toLowerCase() ?? null,
      tenantId: e.COSELL_DATAVERSE_TENANT_ID ?? null,
      clientId: e.COSELL_DATAVERSE_CLIENT_ID ?? null,
      clientSecret: e.COSELL_DATAVERSE_CLIENT_SECRET ?? null,
    },
    partnerCenter: {
      baseUrl: e.COSELL_PC_BASE_URL,
      webhookBaseUrl: e.COSELL_PC_WEBHOOK_BASE_URL,
      tenantId: e.COSELL_PC_TENANT_ID ?? null,
      clientId: e.COSELL_PC_CLIENT_ID ?? null,
      refreshToken: e.COSELL_PC_REFRESH_TOKEN ?? null,
      certificateHosts: e.COSELL_PC_CERT_HOSTS,
    },
    auth: {
      issuer: e.COSELL_AUTH_ISSUER ?? null,
      audience: e.COSELL_AUTH_AUDIENCE ?? null,
      jwksUri: e.COSELL_AUTH_JWKS_URI ?? null,
      adminRole: e.COSELL_ADMIN_ROLE,
    },
    worker: {
      concurrency: e.COSELL_WORKER_CONCURRENCY,
      maxAttempts: e.COSELL_MAX_ATTEMPTS,
      retryBaseMs: e.COSELL_RETRY_BASE_MS,
      pollIntervalMs: e.COSELL_POLL_INTERVAL_MS,
      jobLeaseSec: e.COSELL_JOB_LEASE_SEC,
      reconcileIntervalSec: e.COSELL_RECONCILE_INTERVAL_SEC,
      fieldMapRefreshSec: e.COSELL_FIELD_MAP_REFRESH_SEC,
    },
  };
}
