/**
 * Builds the relay client for the signed-in Dynamics user from the solution's environment variables:
 * pcs_RelayBaseUrl (where the relay is) and pcs_RelayClientId (its Entra ID app, or `sandbox` for the
 * local development issuer).
 */
import {
  EnvironmentVariableColumns as Env,
  EnvironmentVariables,
  RelayAuthWebResource,
  SystemUserColumns,
  Tables,
} from '../../Domain/constants';
import { environmentVariableQuery, environmentVariableValue } from '../../Domain/environmentVariables';
import { odataQueryString } from '../../Domain/odataQuery';
import type { RelayClient } from '../../Domain/relayApi';
import { bareRecordId, selectOption, type WebApiReader } from '../../Domain/webApi';
import { createRelayClient } from './createRelayClient';
import { createDevTokenProvider, SANDBOX_CLIENT_ID } from './devTokenProvider';
import type { FetchLike } from './http';
// Types only: MSAL itself is in the relayauth.js web resource, loaded when a real client id needs it.
import type { MsalApp } from './msalTokenProvider';
import { loadRelayLibrary, type MsalTokenProviderFactory } from './relayAuthLoader';
import { RelayError, relayFailureMessage } from './relayError';

/** The current value of an environment variable: its value row if any, else its default; null if unset. */
export async function readEnvironmentVariable(
  reader: WebApiReader,
  schemaName: string,
): Promise<string | null> {
  const query = odataQueryString(environmentVariableQuery(schemaName));
  const { entities } = await reader.retrieveMultipleRecords(Env.definitionTable, query);
  return environmentVariableValue(entities[0]);
}

export interface RelayClientForUserOptions {
  reader: WebApiReader;
  /** userSettings.userId of the signed-in user (braces allowed). */
  userId: string;
  lcid?: number;
  /** PCF's static `relayUrl` property wins over pcs_RelayBaseUrl when set. */
  relayBaseUrl?: string | null;
  fetch?: FetchLike;
  timeoutMs?: number;
  /**
   * The org URL the sign-in library is served from (PCF `context.page.getClientUrl()`, forms
   * `Xrm.Utility.getGlobalContext().getClientUrl()`). Default: the page's origin, which is the org URL
   * in model-driven apps.
   */
  clientUrl?: string;
  /** Where the MSAL token provider comes from. Default: the relayauth.js web resource, loaded once. */
  loadMsal?: () => Promise<MsalTokenProviderFactory>;
  /** Tests inject a fake MSAL app (handed to the MSAL token provider). */
  msal?: MsalApp;
}

/** `PartnerCoSell.RelayAuth.createMsalTokenProvider` from `<clientUrl>/WebResources/pcs_/scripts/relayauth.js`. */
export async function loadMsalFromWebResource(clientUrl?: string): Promise<MsalTokenProviderFactory> {
  return (await loadRelayLibrary(clientUrl)).createMsalTokenProvider;
}

export async function createRelayClientForUser(options: RelayClientForUserOptions): Promise<RelayClient> {
  const { reader, lcid = 1033 } = options;
  const [baseUrl, clientId] = await Promise.all([
    options.relayBaseUrl?.trim() || readEnvironmentVariable(reader, EnvironmentVariables.relayBaseUrl),
    readEnvironmentVariable(reader, EnvironmentVariables.relayClientId),
  ]);
  if (!baseUrl || !clientId) {
    // Fail fast with the variable to set: guessing a URL or an auth mode would only fail later, worse.
    const missing = !baseUrl ? EnvironmentVariables.relayBaseUrl : EnvironmentVariables.relayClientId;
    throw new RelayError('unreachable', relayFailureMessage('unreachable', lcid), {
      code: 'notConfigured',
      serverMessage: `Environment variable ${missing} has no value.`,
    });
  }

  const getToken =
    clientId === SANDBOX_CLIENT_ID
      ? createDevTokenProvider({ relayBaseUrl: baseUrl, userId: options.userId, fetch: options.fetch, lcid })
      : (await loadMsal(options, lcid))({
          clientId,
          loginHint: await readLoginHint(reader, options.userId),
          lcid,
          msal: options.msal,
        });
  return createRelayClient({ baseUrl, getToken, fetch: options.fetch, timeoutMs: options.timeoutMs, lcid });
}

/** A sign-in library that cannot load means the seller cannot be signed in: say so, keep the cause. */
async function loadMsal(options: RelayClientForUserOptions, lcid: number): Promise<MsalTokenProviderFactory> {
  try {
    return await (options.loadMsal ?? (() => loadMsalFromWebResource(options.clientUrl)))();
  } catch (cause) {
    throw new RelayError('unauthorized', relayFailureMessage('unauthorized', lcid), {
      code: 'signInLibraryUnavailable',
      serverMessage: `The sign-in library ${RelayAuthWebResource.name} could not be loaded.`,
      cause,
    });
  }
}

/** The user's UPN; without it MSAL still tries SSO, just without a hint. */
async function readLoginHint(reader: WebApiReader, userId: string): Promise<string | undefined> {
  try {
    const user = await reader.retrieveRecord(
      Tables.systemuser,
      bareRecordId(userId),
      selectOption([SystemUserColumns.domainName]),
    );
    const upn = user[SystemUserColumns.domainName];
    return typeof upn === 'string' && upn.length > 0 ? upn : undefined;
  } catch {
    return undefined;
  }
}
