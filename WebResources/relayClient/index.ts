// The browser client of the relay, shared by the form scripts and the PCF control.
export { createRelayClient, bareGuid, DEFAULT_RELAY_TIMEOUT_MS } from './createRelayClient';
export type { RelayClientOptions, TokenProvider } from './createRelayClient';
export { createMsalTokenProvider, relayScopes } from './msalTokenProvider';
export type { MsalApp, MsalTokenProviderOptions } from './msalTokenProvider';
export { createDevTokenProvider, DEV_TOKEN_PATH, SANDBOX_CLIENT_ID } from './devTokenProvider';
export type { DevTokenProviderOptions, DevTokenResponse } from './devTokenProvider';
export { createRelayClientForUser, readEnvironmentVariable } from './environment';
export type { RecordReader, RelayClientForUserOptions } from './environment';
export { RelayError, relayFailureMessage, failureKindOf } from './relayError';
export type { FetchLike } from './http';
export type { RelayClient, RelayFailureKind } from '../../Domain/relayApi';
