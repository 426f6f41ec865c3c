/**
 * Builds the relay client for the signed-in Dynamics user from the solution's environment variables:
 * pcs_RelayBaseUrl (where the relay is) and pcs_RelayClientId (its Entra ID app, or `sandbox` for the
 * local development issuer).
 */
import {
  EnvironmentVariableColumns as Env,
  EnvironmentVariables,
  SystemUserColumns,
  Tables,
} from '../../Domain/constants';
import type { RelayClient } from '../../Domain/relayApi';
import { createRelayClient } from './createRelayClient';
import { createDevTokenProvider, SANDBOX_CLIENT_ID } from './devTokenProvider';
import type { FetchLike } from './http';
import { createMsalTokenProvider, type MsalApp } from './msalTokenProvider';
import { RelayError, relayFailureMessage } from './relayError';

/**
 * The reads we need, shaped so both `Xrm.WebApi` (form scripts) and PCF's `context.webAPI` fit.
 */
export interface RecordReader {
  retrieveRecord(
    entityLogicalName: string,
    id: string,
    options?: string,
  ): PromiseLike<Record<string, unknown>>;
  retrieveMultipleRecords(
    entityLogicalName: string,
    options?: string,
  ): PromiseLike<{ entities: Array<Record<string, unknown>> }>;
}

/** The current value of an environment variable: its value row if any, else its default; null if unset. */
export async function readEnvironmentVariable(
  reader: RecordReader,
  schemaName: string,
): Promise<string | null> {
  const query =
    `?$select=${Env.defaultValue}` +
    `&$filter=${Env.schemaName} eq '${schemaName.replace(/'/g, "''")}'` +
    `&$expand=${Env.valuesNavigation}($select=${Env.value})`;
  const { entities } = await reader.retrieveMultipleRecords(Env.definitionTable, query);
  const definition = entities[0];
  if (!definition) return null;
  const values = definition[Env.valuesNavigation];
  const valueRow = Array.isArray(values) ? (values[0] as Record<string, unknown> | undefined) : undefined;
  const text = (v: unknown) => (typeof v === 'string' && v.trim().length > 0 ? v.trim() : null);
  return text(valueRow?.[Env.value]) ?? text(definition[Env.defaultValue]);
}

export interface RelayClientForUserOptions {
  reader: RecordReader;
  /** userSettings.userId of the signed-in user (braces allowed). */
  userId: string;
  lcid?: number;
  /** PCF's static `relayUrl` property wins over pcs_RelayBaseUrl when set. */
  relayBaseUrl?: string | null;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Tests inject a fake MSAL app. */
  msal?: MsalApp;
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
      : createMsalTokenProvider({
          clientId,
          loginHint: await readLoginHint(reader, options.userId),
          lcid,
          msal: options.msal,
        });
  return createRelayClient({ baseUrl, getToken, fetch: options.fetch, timeoutMs: options.timeoutMs, lcid });
}

/** The user's UPN; without it MSAL still tries SSO, just without a hint. */
async function readLoginHint(reader: RecordReader, userId: string): Promise<string | undefined> {
  try {
    const user = await reader.retrieveRecord(
      Tables.systemuser,
      userId.replace(/[{}]/g, ''),
      `?$select=${SystemUserColumns.domainName}`,
    );
    const upn = user[SystemUserColumns.domainName];
    return typeof upn === 'string' && upn.length > 0 ? upn : undefined;
  } catch {
    return undefined;
  }
}
