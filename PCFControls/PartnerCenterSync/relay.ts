/**
 * The one place the control touches the web-resource relay client (WebResources/relayClient), so the
 * components only see the `RelayClient` interface of Domain/relayApi.ts.
 */
import type { RelayClient } from '../../Domain/relayApi';
import {
  createRelayClientForUser,
  type RelayClientForUserOptions,
  // The checker reads any path containing "WebResources" as a server URL; this is a source import.
  // eslint-disable-next-line @microsoft/power-apps/use-cached-webresource
} from '../../WebResources/relayClient/environment';

/**
 * `clientUrl` (context.page.getClientUrl()) is where the sign-in library web resource is loaded from when
 * pcs_RelayClientId names a real Entra ID app; MSAL is never part of this bundle.
 */
export type RelaySetup = Pick<
  RelayClientForUserOptions,
  'reader' | 'userId' | 'lcid' | 'relayBaseUrl' | 'clientUrl'
>;

/**
 * A RelayClient that builds the real one on first use: creating it reads two environment variables and
 * may load the sign-in library and start MSAL, which a seller who never presses a relay button should
 * not pay for. A failed creation (e.g. relay not configured) rejects that call and is retried on the
 * next one.
 */
export function lazyRelayClient(
  setup: RelaySetup,
  create: (options: RelayClientForUserOptions) => Promise<RelayClient> = createRelayClientForUser,
): RelayClient {
  let client: Promise<RelayClient> | null = null;
  const get = (): Promise<RelayClient> => {
    client ??= create(setup).catch((error: unknown) => {
      client = null;
      throw error;
    });
    return client;
  };
  return {
    syncNow: async (id) => (await get()).syncNow(id),
    preview: async (id) => (await get()).preview(id),
    liveStatus: async (id) => (await get()).liveStatus(id),
    accept: async (id) => (await get()).accept(id),
    decline: async (id, reason) => (await get()).decline(id, reason),
  };
}
