/**
 * Tokens for the Dataverse Web API. App-only (client credentials) for the relay's application user,
 * and on-behalf-of for "may this browser user read the opportunity?" checks — both through
 * @azure/msal-node, whose in-memory cache renews tokens before expiry. Injected into the client as
 * a DataverseTokenProvider so tests and the simulator use fixed or pass-through tokens.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { AuthenticationResult } from '@azure/msal-node';
import { redactSecrets } from '../http';
import { ApiError } from '../ports';

export interface DataverseTokenProvider {
  /** App-only token for the environment. */
  getToken(): Promise<string>;
  /** Token for the same environment on behalf of the user who sent `userAssertion`. */
  getTokenOnBehalfOf(userAssertion: string): Promise<string>;
}

/** `https://<org>.crm.dynamics.com/.default` — the environment URL is the resource. */
export const dataverseScope = (environmentUrl: string): string =>
  `${new URL(environmentUrl).origin}/.default`;

/** The MSAL calls used, so tests can inject a fake. */
export interface MsalConfidentialClient {
  acquireTokenByClientCredential(request: { scopes: string[] }): Promise<AuthenticationResult | null>;
  acquireTokenOnBehalfOf(request: {
    oboAssertion: string;
    scopes: string[];
  }): Promise<AuthenticationResult | null>;
}

export interface MsalTokenProviderOptions {
  environmentUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Default https://login.microsoftonline.com/<tenant>. */
  authority?: string;
  msal?: MsalConfidentialClient;
}

function tokenError(kind: string, error: unknown): ApiError {
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  // An unusable user assertion means "this user may not act": 401, like the Web API would answer.
  return new ApiError(`dataverse: ${kind} token could not be acquired: ${message}`, {
    service: 'dataverse',
    status: 401,
    method: 'POST',
    url: 'https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token',
    code: (error as { errorCode?: string } | null)?.errorCode ?? null,
    cause: error,
  });
}

export function createMsalTokenProvider(options: MsalTokenProviderOptions): DataverseTokenProvider {
  const msal: MsalConfidentialClient =
    options.msal ??
    new ConfidentialClientApplication({
      auth: {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        authority: options.authority ?? `https://login.microsoftonline.com/${options.tenantId}`,
      },
    });
  const scopes = [dataverseScope(options.environmentUrl)];
  return {
    async getToken() {
      let result: AuthenticationResult | null;
      try {
        result = await msal.acquireTokenByClientCredential({ scopes });
      } catch (error) {
        throw tokenError('app-only', error);
      }
      if (!result?.accessToken) throw tokenError('app-only', new Error('empty token response'));
      return result.accessToken;
    },
    async getTokenOnBehalfOf(userAssertion) {
      let result: AuthenticationResult | null;
      try {
        result = await msal.acquireTokenOnBehalfOf({ oboAssertion: userAssertion, scopes });
      } catch (error) {
        throw tokenError('on-behalf-of', error);
      }
      if (!result?.accessToken) throw tokenError('on-behalf-of', new Error('empty token response'));
      return result.accessToken;
    },
  };
}

/**
 * Fixed app token; on-behalf-of passes the user's own token through. For the simulator, which
 * decodes the token only to learn who the caller is (its `oid`).
 */
export function staticTokenProvider(appToken: string): DataverseTokenProvider {
  return {
    getToken: async () => appToken,
    getTokenOnBehalfOf: async (userAssertion) => userAssertion,
  };
}
