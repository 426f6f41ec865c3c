/**
 * The one place the control touches the web-resource relay client (WebResources/relayClient), so the
 * components only see the `RelayClient` interface of Domain/relayApi.ts. The client is not bundled: it
 * comes with MSAL in the relay library web resource, loaded on the first relay call.
 */
import { RelayAuthWebResource } from '../../Domain/constants';
import type { RelayClient, RelayFailureKind } from '../../Domain/relayApi';
// Types and the script loader only: the checker reads any path containing "WebResources" as a server
// URL; these are source imports.
// eslint-disable-next-line @microsoft/power-apps/use-cached-webresource
import type { RelayClientForUserOptions } from '../../WebResources/relayClient/environment';
// eslint-disable-next-line @microsoft/power-apps/use-cached-webresource
import { loadRelayLibrary } from '../../WebResources/relayClient/relayAuthLoader';

/**
 * `clientUrl` (context.page.getClientUrl()) is where the relay library web resource is loaded from;
 * neither the relay client nor MSAL is part of this bundle.
 */
export type RelaySetup = Pick<
  RelayClientForUserOptions,
  'reader' | 'userId' | 'lcid' | 'relayBaseUrl' | 'clientUrl'
>;

/** Failure shaped like the relay client's own (`kind`, `code`), so relayErrors.ts words it. */
const libraryUnavailable = (cause: unknown): Error =>
  Object.assign(new Error(`The relay library ${RelayAuthWebResource.name} could not be loaded.`), {
    kind: 'unreachable' satisfies RelayFailureKind,
    code: 'relayLibraryUnavailable',
    cause,
  });

/** The relay client from `<clientUrl>/WebResources/pcs_/scripts/relayauth.js`. */
export async function createRelayClientFromLibrary(options: RelayClientForUserOptions): Promise<RelayClient> {
  const library = await loadRelayLibrary(options.clientUrl).catch((cause: unknown) => {
    throw libraryUnavailable(cause);
  });
  // A relayauth.js from before the control's 1.1.0 has MSAL only.
  if (!library.createRelayClientForUser) throw libraryUnavailable(undefined);
  return library.createRelayClientForUser(options);
}

/**
 * A RelayClient that builds the real one on first use: creating it loads the relay library, reads two
 * environment variables and may start MSAL, which a seller who never presses a relay button should
 * not pay for. A failed creation (e.g. relay not configured) rejects that call and is retried on the
 * next one.
 */
export function lazyRelayClient(
  setup: RelaySetup,
  create: (options: RelayClientForUserOptions) => Promise<RelayClient> = createRelayClientFromLibrary,
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
