/**
 * Entra ID tokens for the relay's API, for the user already signed in to Dynamics 365: silent SSO
 * first (no prompt), a popup only when Entra ID says interaction is required (consent, MFA, expired
 * session). https://learn.microsoft.com/entra/identity-platform/msal-js-sso
 */
import {
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type IPublicClientApplication,
} from '@azure/msal-browser';
import type { TokenProvider } from './createRelayClient';
import { RelayError, relayFailureMessage } from './relayError';

/** The part of MSAL we call; tests inject a fake. */
export type MsalApp = Pick<
  IPublicClientApplication,
  | 'initialize'
  | 'getActiveAccount'
  | 'getAllAccounts'
  | 'setActiveAccount'
  | 'acquireTokenSilent'
  | 'ssoSilent'
  | 'acquireTokenPopup'
>;

export interface MsalTokenProviderOptions {
  /** The relay's app registration (environment variable pcs_RelayClientId). */
  clientId: string;
  /** Default `https://login.microsoftonline.com/organizations` (any work account; the token names the tenant). */
  authority?: string;
  /** Default `relayScopes(clientId)`. */
  scopes?: string[];
  /** The Dynamics user's UPN (systemuser.domainname), so SSO picks the same account as Dynamics. */
  loginHint?: string;
  /** Default the page's origin; must be a SPA redirect URI of the app registration. */
  redirectUri?: string;
  lcid?: number;
  /** Injected MSAL instance (tests); by default one PublicClientApplication is created on first use. */
  msal?: MsalApp;
}

/** `.default` of the relay's own API: the scopes consented on its app registration. */
export const relayScopes = (clientId: string): string[] => [`api://${clientId}/.default`];

export function createMsalTokenProvider(options: MsalTokenProviderOptions): TokenProvider {
  const scopes = options.scopes ?? relayScopes(options.clientId);
  const loginHint = options.loginHint || undefined;
  let app: MsalApp | undefined = options.msal;
  let ready: Promise<void> | undefined;

  const unauthorized = (cause: unknown) =>
    new RelayError('unauthorized', relayFailureMessage('unauthorized', options.lcid ?? 1033), { cause });

  function knownAccount(msal: MsalApp): AccountInfo | undefined {
    const active = msal.getActiveAccount();
    if (active) return active;
    const accounts = msal.getAllAccounts();
    if (loginHint) return accounts.find((a) => a.username.toLowerCase() === loginHint.toLowerCase());
    return accounts.length === 1 ? accounts[0] : undefined;
  }

  return async ({ forceRefresh = false } = {}) => {
    // Created lazily: constructing MSAL touches window/sessionStorage, which a form library must not
    // do merely by being loaded.
    app ??= new PublicClientApplication({
      auth: {
        clientId: options.clientId,
        authority: options.authority ?? 'https://login.microsoftonline.com/organizations',
        redirectUri: options.redirectUri ?? window.location.origin,
      },
      cache: { cacheLocation: 'sessionStorage' },
    });
    const msal = app;
    ready ??= msal.initialize();

    let result: AuthenticationResult;
    try {
      await ready;
      const account = knownAccount(msal);
      result = account
        ? await msal.acquireTokenSilent({ scopes, account, forceRefresh })
        : await msal.ssoSilent({ scopes, loginHint });
    } catch (silentError) {
      if (!(silentError instanceof InteractionRequiredAuthError)) throw unauthorized(silentError);
      try {
        result = await msal.acquireTokenPopup({ scopes, loginHint });
      } catch (popupError) {
        throw unauthorized(popupError);
      }
    }
    msal.setActiveAccount(result.account);
    return result.accessToken;
  };
}
