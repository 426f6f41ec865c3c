/**
 * Dataverse Web API client for the relay.
 *   createDataverseClient({ environmentUrl, tokens, httpClient? | http? }) → DataverseApi (+ whoAmI, apiUrl)
 *   createMsalTokenProvider({ environmentUrl, tenantId, clientId, clientSecret }) → app-only + on-behalf-of tokens
 *   staticTokenProvider(token) → fixed token, on-behalf-of passes the user's token through (simulator)
 *   createDataverseWebhookVerifier({ key, header }).verify({ headers, query, body }) → event | precise 4xx
 */
export { createDataverseClient, WEB_API_PATH } from './client';
export type { DataverseClient, DataverseClientOptions } from './client';
export { createMsalTokenProvider, dataverseScope, staticTokenProvider } from './auth';
export type { DataverseTokenProvider, MsalConfidentialClient, MsalTokenProviderOptions } from './auth';
export { buildBatchRequest, buildBatchResponse, parseBatchRequest, parseBatchResponse } from './multipart';
export { createDataverseWebhookVerifier, secretsEqual } from './webhookVerification';
export type {
  DataverseWebhookDelivery,
  DataverseWebhookRejectReason,
  DataverseWebhookVerification,
  DataverseWebhookVerifier,
  DataverseWebhookVerifierOptions,
} from './webhookVerification';
