/** Partner Center: typed API client, token providers and webhook verification. */
export { createPartnerCenterClient, DEFAULT_REFERRALS_URL, DEFAULT_WEBHOOKS_URL } from './client';
export type { PartnerCenterClientOptions } from './client';
export {
  PARTNER_CENTER_SCOPES,
  createRefreshTokenProvider,
  createSignedInTokenProvider,
  credentialError,
  defaultAuthority,
  deviceCodeSignIn,
  staticTokenProvider,
} from './auth';
export { createSignInStore, REFRESH_TOKEN_LIFETIME_MS, SIGN_IN_FILE } from './tokenStore';
export type { SignInApp, SignInStore } from './tokenStore';
export type {
  DeviceCodeSignInOptions,
  MsalTokenClient,
  PartnerCenterAudience,
  PartnerCenterTokenProvider,
  RefreshTokenProviderOptions,
} from './auth';
export {
  DEFAULT_CERTIFICATE_HOSTS,
  MAX_WEBHOOK_BODY_BYTES,
  MICROSOFT_ORGANIZATION,
  createCertificateFetcher,
  createWebhookVerifier,
} from './webhookVerification';
export type {
  CertificateFetcher,
  HeaderBag,
  WebhookRejectReason,
  WebhookVerification,
  WebhookVerifier,
  WebhookVerifierOptions,
} from './webhookVerification';
export { listQueryString, rebaseNextLink } from './odata';
