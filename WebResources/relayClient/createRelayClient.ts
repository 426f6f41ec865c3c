/**
 * The browser's client of the relay (`RelayClient` in Domain/relayApi.ts): the form's and the PCF
 * control's "Sync now", "Preview", "Live status", "Accept" and "Decline".
 */
import {
  RelayRoutes,
  type DeclineRequest,
  type LiveStatusResponse,
  type PreviewResponse,
  type RelayClient,
  type SyncNowResponse,
} from '../../Domain/relayApi';
import { requestJson, type FetchLike } from './http';
import { RelayError, relayFailureMessage } from './relayError';

/** Returns a bearer token for the relay's API; `forceRefresh` skips any cache (used once after a 401). */
export type TokenProvider = (options?: { forceRefresh?: boolean }) => Promise<string>;

export interface RelayClientOptions {
  /** e.g. `https://relay.contoso.com` (environment variable pcs_RelayBaseUrl); a path prefix is kept. */
  baseUrl: string;
  getToken: TokenProvider;
  fetch?: FetchLike;
  /** Per request, token excluded. Default 15 s. */
  timeoutMs?: number;
  /** Language of error messages and of preview problem messages (1033 / 1046 / 3082). Default 1033. */
  lcid?: number;
}

export const DEFAULT_RELAY_TIMEOUT_MS = 15_000;

const LANGUAGE_TAGS: Record<number, string> = { 1033: 'en-US', 1046: 'pt-BR', 3082: 'es-ES' };

/** Dataverse hands ids out as `{GUID}` in upper case (formContext.data.entity.getId()); routes use the bare GUID. */
export function bareGuid(id: string): string {
  return id.replace(/[{}]/g, '').toLowerCase();
}

export function createRelayClient(options: RelayClientOptions): RelayClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const lcid = options.lcid ?? 1033;
  const timeoutMs = options.timeoutMs ?? DEFAULT_RELAY_TIMEOUT_MS;

  async function tokenFor(forceRefresh: boolean): Promise<string> {
    try {
      return await options.getToken({ forceRefresh });
    } catch (cause) {
      if (cause instanceof RelayError) throw cause;
      throw new RelayError('unauthorized', relayFailureMessage('unauthorized', lcid), { cause });
    }
  }

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const send = async (forceRefresh: boolean) =>
      requestJson<T>({
        method,
        url: baseUrl + path,
        body,
        timeoutMs,
        lcid,
        fetch: options.fetch,
        headers: {
          Authorization: `Bearer ${await tokenFor(forceRefresh)}`,
          'Accept-Language': LANGUAGE_TAGS[lcid] ?? 'en-US',
        },
      });
    try {
      return await send(false);
    } catch (error) {
      // A cached token can expire between our check and the relay's; one retry with a fresh token
      // separates that from a real authorization problem.
      if (error instanceof RelayError && error.kind === 'unauthorized' && error.status === 401) {
        return send(true);
      }
      throw error;
    }
  }

  const route = (make: (id: string) => string, opportunityId: string) =>
    make(encodeURIComponent(bareGuid(opportunityId)));

  return {
    syncNow: (id) => call<SyncNowResponse>('POST', route(RelayRoutes.syncNow, id)),
    preview: (id) => call<PreviewResponse>('GET', `${route(RelayRoutes.preview, id)}?lcid=${lcid}`),
    liveStatus: (id) => call<LiveStatusResponse>('GET', route(RelayRoutes.liveStatus, id)),
    accept: (id) => call<SyncNowResponse>('POST', route(RelayRoutes.accept, id), {}),
    decline: (id, reason) =>
      call<SyncNowResponse>('POST', route(RelayRoutes.decline, id), { reason } satisfies DeclineRequest),
  };
}
