/**
 * Tokens from the relay's development issuer, used only in the local sandbox (no Entra ID there).
 *
 * Contract with the relay (sandbox mode only; see WebResources/README.md):
 *   POST <relayBaseUrl>/dev/token
 *   Content-Type: application/json
 *   { "userId": "<systemuserid, bare lower-case GUID>" }
 *   → 200 { "access_token": "<JWT signed by the dev issuer>", "expires_in": 3600 }
 * Any non-2xx answer uses the relay's usual `{ "error": { code, message } }` body.
 */
import { bareGuid, type TokenProvider } from './createRelayClient';
import { requestJson, type FetchLike } from './http';
import { RelayError, relayFailureMessage } from './relayError';

/** pcs_RelayClientId set to this literal selects the development issuer instead of MSAL. */
export const SANDBOX_CLIENT_ID = 'sandbox';

export const DEV_TOKEN_PATH = '/dev/token';

export interface DevTokenResponse {
  access_token: string;
  expires_in: number;
}

export interface DevTokenProviderOptions {
  relayBaseUrl: string;
  /** The signed-in Dynamics user (userSettings.userId, braces allowed). */
  userId: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  lcid?: number;
  /** Injected clock (ms) for tests. */
  now?: () => number;
}

// Renew a minute early so a token never expires between our check and the relay's.
const EXPIRY_MARGIN_MS = 60_000;

export function createDevTokenProvider(options: DevTokenProviderOptions): TokenProvider {
  const now = options.now ?? Date.now;
  const lcid = options.lcid ?? 1033;
  let cached: { token: string; expiresAt: number } | undefined;

  return async ({ forceRefresh = false } = {}) => {
    if (!forceRefresh && cached && cached.expiresAt > now()) return cached.token;
    const answer = await requestJson<Partial<DevTokenResponse>>({
      method: 'POST',
      url: options.relayBaseUrl.replace(/\/+$/, '') + DEV_TOKEN_PATH,
      body: { userId: bareGuid(options.userId) },
      timeoutMs: options.timeoutMs ?? 10_000,
      lcid,
      fetch: options.fetch,
    });
    if (typeof answer.access_token !== 'string' || answer.access_token.length === 0) {
      throw new RelayError('unauthorized', relayFailureMessage('unauthorized', lcid), {
        serverMessage: 'The development issuer answered without an access_token.',
      });
    }
    const lifetimeMs = (typeof answer.expires_in === 'number' ? answer.expires_in : 0) * 1000;
    cached = { token: answer.access_token, expiresAt: now() + lifetimeMs - EXPIRY_MARGIN_MS };
    return answer.access_token;
  };
}
