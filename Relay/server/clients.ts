/**
 * Real clients from the validated configuration (`cosell relay`, `cosell setup`): Dataverse with an
 * app-only MSAL token (and on-behalf-of for /api), Partner Center with the Referrals-admin refresh
 * token, and the webhook verifier with the configured certificate host allow-list.
 */
import { ConfigError } from '../config/config';
import type { RelayConfig } from '../config/config';
import { createDataverseClient, createMsalTokenProvider } from '../dataverse';
import type { DataverseClient } from '../dataverse';
import {
  createCertificateFetcher,
  createPartnerCenterClient,
  createRefreshTokenProvider,
  createWebhookVerifier,
} from '../partnercenter';
import type { WebhookVerifier } from '../partnercenter';
import type { Logger, PartnerCenterApi } from '../ports';
import { createThrottleMeter } from './throttleMeter';
import type { ThrottleMeter } from './throttleMeter';

export interface RelayClients {
  dataverse: DataverseClient;
  partnerCenter: PartnerCenterApi;
  partnerCenterVerifier: WebhookVerifier;
  /** Hand to createRelay (the CLI spreads the clients into its options): counts retried 429s. */
  throttleMeter: ThrottleMeter;
}

export function createClients(config: RelayConfig, logger?: Logger): RelayClients {
  const dv = config.dataverse;
  const pc = config.partnerCenter;
  const missing = [
    !dv.tenantId && 'COSELL_DATAVERSE_TENANT_ID',
    !dv.clientId && 'COSELL_DATAVERSE_CLIENT_ID',
    !dv.clientSecret && 'COSELL_DATAVERSE_CLIENT_SECRET',
    !pc.tenantId && 'COSELL_PC_TENANT_ID',
    !pc.clientId && 'COSELL_PC_CLIENT_ID',
    !pc.refreshToken && 'COSELL_PC_REFRESH_TOKEN',
  ].filter((v): v is string => Boolean(v));
  if (missing.length) {
    throw new ConfigError(
      missing.map((name) =>
        name.startsWith('COSELL_PC_REFRESH')
          ? `${name} is not set: sign in once as the Referrals-admin account (with MFA) and store its refresh token`
          : `${name} is not set (the relay's Entra app registration)`,
      ),
    );
  }
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
    tokens: createRefreshTokenProvider({
      tenantId: pc.tenantId!,
      clientId: pc.clientId!,
      refreshToken: pc.refreshToken!,
    }),
    referralsUrl: `${pc.baseUrl.replace(/\/+$/, '')}/v1.0/engagements/referrals`,
    webhooksUrl: `${pc.webhookBaseUrl.replace(/\/+$/, '')}/webhooks/v1/registration`,
    http: { logger: httpLogger },
    logger: httpLogger,
  });
  const partnerCenterVerifier = createWebhookVerifier({
    fetchCertificate: createCertificateFetcher(),
    trustedCertificateHosts: pc.certificateHosts,
  });
  return { dataverse, partnerCenter, partnerCenterVerifier, throttleMeter };
}
