/**
 * Real clients from the validated configuration (`cosell relay`, `cosell setup`): Dataverse with an
 * app-only MSAL token (and on-behalf-of for /api), Partner Center with the Referrals-admin refresh
 * token, and the webhook verifier with the configured certificate host allow-list.
 */
import { UnsecuredJWT } from 'jose';
import { ConfigError } from '../config/config';
import type { RelayConfig } from '../config/config';
import {
  createDataverseClient,
  createMsalTokenProvider,
  staticTokenProvider as staticDataverseTokens,
} from '../dataverse';
import type { DataverseClient } from '../dataverse';
import {
  createCertificateFetcher,
  createPartnerCenterClient,
  createRefreshTokenProvider,
  createSignedInTokenProvider,
  createSignInStore,
  createWebhookVerifier,
  staticTokenProvider as staticPartnerCenterTokens,
} from '../partnercenter';
import type { PartnerCenterTokenProvider, SignInStore, WebhookVerifier } from '../partnercenter';
import type { Logger, PartnerCenterApi } from '../ports';
import { createThrottleMeter } from './throttleMeter';
import type { ThrottleMeter } from './throttleMeter';

export interface RelayClients {
  dataverse: DataverseClient;
  partnerCenter: PartnerCenterApi;
  partnerCenterVerifier: WebhookVerifier;
  /** Hand to createRelay (the CLI spreads the clients into its options): counts retried 429s. */
  throttleMeter: ThrottleMeter;
  /** The stored Partner Center sign-in (`cosell login partner-center`); null with COSELL_PC_REFRESH_TOKEN. */
  signIn: SignInStore | null;
}

/**
 * Entra object id the relay presents to the simulators in sandbox mode (its application user there).
 * Sandbox tokens are unsigned: the simulators decode a token only to learn the caller's `oid`, and a
 * real Dataverse or Partner Center rejects them, so sandbox mode cannot reach a real tenant.
 */
export const SANDBOX_RELAY_OBJECT_ID = '5b0f6c1e-2a41-4c47-9d7e-c05e11a70001';

function sandboxClients(config: RelayConfig, logger?: Logger): RelayClients {
  const pc = config.partnerCenter;
  const throttleMeter = createThrottleMeter();
  const httpLogger = throttleMeter.logger(logger);
  const appToken = new UnsecuredJWT({
    oid: SANDBOX_RELAY_OBJECT_ID,
    appid: 'cosell-relay',
    idtyp: 'app',
  }).encode();
  return {
    dataverse: createDataverseClient({
      environmentUrl: config.dataverse.url,
      tokens: staticDataverseTokens(appToken),
      http: { logger: httpLogger },
    }),
    partnerCenter: createPartnerCenterClient({
      tokens: staticPartnerCenterTokens({
        referrals: 'sandbox-referrals-token',
        webhooks: 'sandbox-webhooks-token',
      }),
      referralsUrl: `${pc.baseUrl.replace(/\/+$/, '')}/v1.0/engagements/referrals`,
      webhooksUrl: `${pc.webhookBaseUrl.replace(/\/+$/, '')}/webhooks/v1/registration`,
      http: { logger: httpLogger },
      logger: httpLogger,
    }),
    partnerCenterVerifier: createWebhookVerifier({
      fetchCertificate: createCertificateFetcher(),
      trustedCertificateHosts: pc.certificateHosts,
      // The Partner Center simulator serves its signing certificate over http on loopback.
      allowInsecureCertificateUrls: true,
    }),
    throttleMeter,
    // No Partner Center sign-in to watch: the simulator takes any token.
    signIn: null,
  };
}

export function createClients(config: RelayConfig, logger?: Logger): RelayClients {
  // Sandbox mode talks to the local simulators (`cosell simulate …`), which need no credentials.
  if (config.sandbox) return sandboxClients(config, logger);
  const dv = config.dataverse;
  const pc = config.partnerCenter;
  // The sign-in `cosell login partner-center` stored brings its own tenant and app.
  const store = pc.refreshToken ? null : createSignInStore(config.dataDir);
  const signIn = store?.app() ? store : null;
  const missing = [
    !dv.tenantId && 'COSELL_DATAVERSE_TENANT_ID',
    !dv.clientId && 'COSELL_DATAVERSE_CLIENT_ID',
    !dv.clientSecret && 'COSELL_DATAVERSE_CLIENT_SECRET',
    !signIn && !pc.tenantId && 'COSELL_PC_TENANT_ID',
    !signIn && !pc.clientId && 'COSELL_PC_CLIENT_ID',
    !signIn && !pc.refreshToken && 'COSELL_PC_REFRESH_TOKEN',
  ].filter((v): v is string => Boolean(v));
  if (missing.length) {
    throw new ConfigError(
      missing.map((name) =>
        name.startsWith('COSELL_PC_REFRESH')
          ? `nobody signed in to Partner Center: run \`cosell login partner-center\` as the Referrals-admin account (or set ${name})`
          : `${name} is not set (the relay's Entra app registration)`,
      ),
    );
  }
  const partnerCenterTokens: PartnerCenterTokenProvider = signIn
    ? createSignedInTokenProvider({ store: signIn })
    : createRefreshTokenProvider({
        tenantId: pc.tenantId!,
        clientId: pc.clientId!,
        refreshToken: pc.refreshToken!,
      });
  const throttleMeter = createThrottleMeter();
  const httpLogger = throttleMeter.logger(logger);
  const dataverse = createDataverseClient({
    environmentUrl: dv.url,
    tokens: createMsalTokenProvider({
      environmentUrl: dv.url,
      tenantId: dv.tenantId!,
      clientId: dv.clientId!,
      clientSecret: dv.clientSecret!,
    }),
    http: { logger: httpLogger },
  });
  const partnerCenter = createPartnerCenterClient({
    tokens: partnerCenterTokens,
    referralsUrl: `${pc.baseUrl.replace(/\/+$/, '')}/v1.0/engagements/referrals`,
    webhooksUrl: `${pc.webhookBaseUrl.replace(/\/+$/, '')}/webhooks/v1/registration`,
    http: { logger: httpLogger },
    logger: httpLogger,
  });
  const partnerCenterVerifier = createWebhookVerifier({
    fetchCertificate: createCertificateFetcher(),
    trustedCertificateHosts: pc.certificateHosts,
  });
  return { dataverse, partnerCenter, partnerCenterVerifier, throttleMeter, signIn };
}
