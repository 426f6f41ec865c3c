/**
 * Tokens for the two Partner Center hosts (partner-center-api.md §2.1): the Referrals API is App+User
 * only and MFA is enforced, so no password grant — a refresh token of a dedicated Referrals-admin
 * account is redeemed with MSAL; the webhook registration API needs a second audience.
 */
import {
  ConfidentialClientApplication,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type INetworkModule,
} from '@azure/msal-node';
import { ApiError, type Clock } from '../ports';
import { redactSecrets } from '../http';
import type { SignInApp, SignInStore } from './tokenStore';

export type PartnerCenterAudience = 'referrals' | 'webhooks';

/** v2 scopes for the two audiences (resource + /.default). */
export const PARTNER_CENTER_SCOPES: Record<PartnerCenterAudience, string> = {
  referrals: 'https://api.partner.microsoft.com/.default',
  webhooks: 'https://api.partnercenter.microsoft.com/.default',
};

/** Injected into the client; returns a bearer token for one audience. */
export interface PartnerCenterTokenProvider {
  getToken(audience: PartnerCenterAudience): Promise<string>;
}

/** Fixed tokens (simulator, tests). */
export const staticTokenProvider = (
  tokens: Partial<Record<PartnerCenterAudience, string>>,
): PartnerCenterTokenProvider => ({
  async getToken(audience) {
    const token = tokens[audience];
    if (!token) throw new Error(`No token configured for the Partner Center ${audience} audience`);
    return token;
  },
});

/** The MSAL calls used, so tests can inject a fake. */
export interface MsalTokenClient {
  acquireTokenByRefreshToken(request: {
    refreshToken: string;
    scopes: string[];
  }): Promise<AuthenticationResult | null>;
  acquireTokenSilent(request: { account: AccountInfo; scopes: string[] }): Promise<AuthenticationResult>;
}

export interface RefreshTokenProviderOptions {
  tenantId: string;
  clientId: string;
  /** Confidential client when given; the refresh token must have been issued to the same kind of client. */
  clientSecret?: string;
  /** Refresh token of the dedicated Referrals-admin account (obtained once by interactive sign-in with MFA). */
  refreshToken: string;
  /** Default https://login.microsoftonline.com/<tenant>. */
  authority?: string;
  clock?: Clock;
  /** Renew this long before expiry. Default 5 minutes. */
  refreshMarginMs?: number;
  msal?: MsalTokenClient;
}

/** Actionable text per AADSTS code (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). */
const AADSTS_ADVICE: Array<[RegExp, string]> = [
  [
    /AADSTS(700082|700084|50173|50133|70043)/,
    'the refresh token has expired or was revoked (inactivity, password change or sign-out). Sign in again interactively as the Referrals-admin account (with MFA) and store the new refresh token',
  ],
  [
    /AADSTS(50076|50079|50158|50072)/,
    'the account must complete MFA interactively. Sign in again as the Referrals-admin account (with MFA) and store the new refresh token; password sign-in is not supported',
  ],
  [
    /AADSTS(65001|65004)/,
    'the app has no consent for the Partner Center API. An admin must grant consent to the delegated "Microsoft Partner" / "Partner Center" API permissions of the app registration',
  ],
  [
    /AADSTS(7000215|7000222)/,
    'the client secret is invalid or expired. Create a new client secret on the app registration and update the relay configuration',
  ],
  [
    /AADSTS(700016|90002|900023)/,
    'the client id or tenant id is wrong (application or tenant not found). Check the app registration and tenant id',
  ],
  [
    /AADSTS500011/,
    'the Partner Center API is not available in the tenant (resource principal not found). Check the tenant and the API permission',
  ],
  [
    /AADSTS(50034|50057|50053)/,
    'the Referrals-admin account does not exist, is disabled or is locked. Fix the account in Entra ID',
  ],
  [
    /AADSTS9002313|AADSTS900144/,
    'the stored refresh token is malformed. Sign in again and store a fresh refresh token',
  ],
];

/** Turn an MSAL / AAD failure into an ApiError whose message says what to do. */
export function credentialError(
  error: unknown,
  audience: PartnerCenterAudience,
  authority: string,
): ApiError {
  const e = error as { errorCode?: string; errorMessage?: string; message?: string } | null;
  const text = `${e?.errorCode ?? ''} ${e?.errorMessage ?? ''} ${e?.message ?? ''}`;
  const aadsts = /AADSTS\d+/.exec(text)?.[0] ?? null;
  const advice =
    AADSTS_ADVICE.find(([pattern]) => pattern.test(text))?.[1] ??
    (/invalid_grant/.test(text)
      ? 'the refresh token was rejected (invalid_grant). Sign in again interactively as the Referrals-admin account and store the new refresh token'
      : 'the token request failed. Check network access to login.microsoftonline.com and the app registration');
  return new ApiError(
    `Partner Center sign-in failed for the ${audience} API${aadsts ? ` (${aadsts})` : ''}: ${advice}.`,
    {
      service: 'partnercenter',
      status: 401,
      method: 'POST',
      url: `${authority}/oauth2/v2.0/token`,
      code: aadsts ?? e?.errorCode ?? null,
      cause: new Error(redactSecrets(text.trim()).slice(0, 500)),
    },
  );
}

/** Refresh-token provider, cached per audience; concurrent callers share one token request. */
export function createRefreshTokenProvider(options: RefreshTokenProviderOptions): PartnerCenterTokenProvider {
  const authority = options.authority ?? `https://login.microsoftonline.com/${options.tenantId}`;
  const auth = { clientId: options.clientId, authority };
  const msal: MsalTokenClient =
    options.msal ??
    (options.clientSecret
      ? new ConfidentialClientApplication({ auth: { ...auth, clientSecret: options.clientSecret } })
      : new PublicClientApplication({ auth }));
  // After the first redemption MSAL holds the (rotated) refresh token in its cache for this account.
  let account: AccountInfo | null = null;

  async function acquire(audience: PartnerCenterAudience): Promise<Acquired> {
    const scopes = [PARTNER_CENTER_SCOPES[audience]];
    let result: AuthenticationResult | null;
    try {
      result = account
        ? await msal
            .acquireTokenSilent({ account, scopes })
            .catch(() => msal.acquireTokenByRefreshToken({ refreshToken: options.refreshToken, scopes }))
        : await msal.acquireTokenByRefreshToken({ refreshToken: options.refreshToken, scopes });
    } catch (error) {
      throw credentialError(error, audience, authority);
    }
    if (!result?.accessToken)
      throw credentialError(new Error('no access token returned'), audience, authority);
    account = result.account ?? account;
    return { token: result.accessToken, expiresOn: result.expiresOn };
  }

  return cachePerAudience(acquire, options);
}

interface Acquired {
  token: string;
  expiresOn: Date | null;
}

/** Tokens cached per audience until `refreshMarginMs` before expiry; concurrent callers share one request. */
function cachePerAudience(
  acquire: (audience: PartnerCenterAudience) => Promise<Acquired>,
  options: { clock?: Clock; refreshMarginMs?: number },
): PartnerCenterTokenProvider {
  const now = () => (options.clock?.now() ?? new Date()).getTime();
  const margin = options.refreshMarginMs ?? 5 * 60_000;
  const cache = new Map<PartnerCenterAudience, { token: string; expiresAt: number }>();
  const pending = new Map<PartnerCenterAudience, Promise<string>>();
  const fetch = async (audience: PartnerCenterAudience) => {
    const { token, expiresOn } = await acquire(audience);
    cache.set(audience, { token, expiresAt: expiresOn ? expiresOn.getTime() : now() + 3600_000 });
    return token;
  };
  return {
    getToken(audience) {
      const cached = cache.get(audience);
      if (cached && cached.expiresAt - margin > now()) return Promise.resolve(cached.token);
      let inFlight = pending.get(audience);
      if (!inFlight) {
        inFlight = fetch(audience).finally(() => pending.delete(audience));
        pending.set(audience, inFlight);
      }
      return inFlight;
    },
  };
}

export const defaultAuthority = (tenantId: string): string => `https://login.microsoftonline.com/${tenantId}`;

/** The public client of a stored sign-in. A non-default authority is trusted as given (no instance
 *  discovery): sovereign clouds and the tests' local authority. */
function signInClient(app: SignInApp, store: SignInStore, networkClient?: INetworkModule, fresh = false) {
  const custom = app.authority !== defaultAuthority(app.tenantId);
  return new PublicClientApplication({
    auth: {
      clientId: app.clientId,
      authority: app.authority,
      ...(custom ? { knownAuthorities: [new URL(app.authority).host] } : {}),
    },
    cache: { cachePlugin: store.cachePlugin(app, { freshSignIn: fresh }) },
    system: networkClient ? { networkClient } : {},
  });
}

export interface DeviceCodeSignInOptions extends SignInApp {
  store: SignInStore;
  /** Shows Microsoft's instruction (URL and code) to the person signing in. */
  showCode(message: string): void;
  /** Give up after this many seconds (default: when the code expires). */
  timeoutSec?: number;
  networkClient?: INetworkModule;
}

/**
 * Device-code sign-in of the Referrals-admin account (App+User with MFA; the Referrals API takes no
 * app-only token, partner-center-api.md §2.1), https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code.
 * The refresh token lands in `store`; returns who signed in.
 */
export async function deviceCodeSignIn(options: DeviceCodeSignInOptions): Promise<{ username: string }> {
  const { store, showCode, timeoutSec, networkClient, ...app } = options;
  const client = signInClient(app, store, networkClient, true);
  let result: AuthenticationResult | null;
  try {
    result = await client.acquireTokenByDeviceCode({
      scopes: [PARTNER_CENTER_SCOPES.referrals],
      deviceCodeCallback: (response) => showCode(response.message),
      ...(timeoutSec ? { timeout: timeoutSec } : {}),
    });
  } catch (error) {
    throw credentialError(error, 'referrals', app.authority);
  }
  if (!result?.account) throw credentialError(new Error('no account returned'), 'referrals', app.authority);
  return { username: result.account.username };
}

/**
 * Tokens from the sign-in `cosell login partner-center` stored: MSAL redeems the stored refresh token
 * (for either audience) and writes the rotated one back to the store.
 */
export function createSignedInTokenProvider(options: {
  store: SignInStore;
  clock?: Clock;
  refreshMarginMs?: number;
  networkClient?: INetworkModule;
}): PartnerCenterTokenProvider {
  const app = options.store.app();
  if (!app)
    throw new Error(
      `Nobody signed in to Partner Center: run \`cosell login partner-center\` (${options.store.file})`,
    );
  const client = signInClient(app, options.store, options.networkClient);
  return cachePerAudience(async (audience) => {
    try {
      const [account] = await client.getTokenCache().getAllAccounts();
      if (!account) throw new Error('AADSTS700082: the stored sign-in holds no account');
      const result = await client.acquireTokenSilent({ account, scopes: [PARTNER_CENTER_SCOPES[audience]] });
      return { token: result.accessToken, expiresOn: result.expiresOn };
    } catch (error) {
      throw credentialError(error, audience, app.authority);
    }
  }, options);
}
