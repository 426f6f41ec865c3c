// The browser client of the relay, shared by the form scripts and the PCF control. MSAL is NOT exported
// here: it lives in its own web resource (relayAuthLibrary.ts → pcs_/scripts/relayauth.js), loaded by
// createRelayClientForUser only for a real Entra ID client id, so importing this module stays small.
export { createRelayClient, bareGuid, DEFAULT_RELAY_TIMEOUT_MS } from './createRelayClient';
export type { RelayClientOptions, TokenProvider } from './createRelayClient';
export type { MsalApp, MsalTokenProviderOptions } from './msalTokenProvider';
export { createDevTokenProvider, DEV_TOKEN_PATH, SANDBOX_CLIENT_ID } from './devTokenProvider';
export type { DevTokenProviderOptions, DevTokenResponse } from './devTokenProvider';
export { createRelayClientForUser, loadMsalFromWebResource, readEnvironmentVariable } from './environment';
export type { RelayClientForUserOptions } from './environment';
export type { WebApiReader } from '../../Domain/webApi';
export { findRelayAuth, loadRelayAuth, webResourceUrl } from './relayAuthLoader';
export type { MsalTokenProviderFactory, RelayAuthLibrary, ScriptHost } from './relayAuthLoader';
export { RelayError, relayFailureMessage, failureKindOf } from './relayError';
export type { FetchLike } from './http';
export type { RelayClient, RelayFailureKind } from '../../Domain/relayApi';
