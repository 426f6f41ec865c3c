/**
 * Loads the sign-in library (web resource `pcs_/scripts/relayauth.js`, MSAL inside) on first need.
 *
 * Why a separate web resource: MSAL for the browser is ~300 KB minified, seven times the rest of the PCF
 * control. The relay client lives there too (relayAuthLibrary.ts): a seller who never presses a relay
 * button does not download it, and the control's bundle.js stays under 40 KB. pcf-scripts
 * allows neither code splitting nor a custom webpack config, so the control cannot lazy-load a chunk;
 * instead it injects a `<script>` for the web resource, as a form library would be loaded.
 *
 * Platform pattern: Dynamics serves every web resource at `<clientUrl>/WebResources/<name>`
 * (PCF: `context.page.getClientUrl()`; forms: `Xrm.Utility.getGlobalContext().getClientUrl()`). Form
 * scripts should prefer `getGlobalContext().getWebResourceUrl(name)`, which adds the platform's caching
 * token (https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/xrm-utility/getglobalcontext/getwebresourceurl).
 */
import { RelayAuthWebResource } from '../../Domain/constants';
import type { RelayClient } from '../../Domain/relayApi';
import type { TokenProvider } from './createRelayClient';
import type { RelayClientForUserOptions } from './environment';
import type { MsalTokenProviderOptions } from './msalTokenProvider';

/** `PartnerCoSell.RelayAuth.createMsalTokenProvider` as the library defines it. */
export type MsalTokenProviderFactory = (options: MsalTokenProviderOptions) => TokenProvider;

/** `PartnerCoSell.RelayAuth.createRelayClientForUser`: the relay client, with MSAL from the same file. */
export type RelayClientFactory = (options: RelayClientForUserOptions) => Promise<RelayClient>;

/** What relayauth.js puts on `window` (see relayAuthLibrary.ts). */
export interface RelayAuthLibrary {
  createMsalTokenProvider: MsalTokenProviderFactory;
  /** Absent from a relayauth.js older than the PCF control 1.1.0. */
  createRelayClientForUser?: RelayClientFactory;
}

/** `pcs_/scripts/relayauth.js` under the org URL; a trailing slash on the URL is tolerated. */
export function webResourceUrl(clientUrl: string, name: string): string {
  // Absolute under the org's own client URL: a root-relative /WebResources/ path could resolve against
  // another host when the caller is not on the org's origin.
  return `${clientUrl.replace(/\/+$/, '')}/WebResources/${name}`;
}

/** The library if the page already has it (a form library or an earlier load defined it). */
export function findRelayAuth(scope: object, globalNamespace: string): RelayAuthLibrary | undefined {
  const library = globalNamespace
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], scope);
  const { createMsalTokenProvider: factory, createRelayClientForUser: relay } =
    (library as Partial<RelayAuthLibrary> | undefined) ?? {};
  if (typeof factory !== 'function') return undefined;
  return typeof relay === 'function'
    ? { createMsalTokenProvider: factory, createRelayClientForUser: relay }
    : { createMsalTokenProvider: factory };
}

export interface ScriptHost {
  /** The global scope the library registers itself in (`window`). */
  scope: object;
  document: Pick<Document, 'createElement' | 'head'>;
}

// Loads in flight, per URL: concurrent callers share one script tag. Once loaded, the global itself is
// the cache (findRelayAuth), so the control re-created on the next form open adds no tag either.
const inFlight = new Map<string, Promise<RelayAuthLibrary>>();

/**
 * Resolves with the library, adding its script tag only when the page does not have it yet. A failed
 * load is forgotten so the next call (the seller's next click) tries again.
 */
export function loadRelayAuth(
  scriptUrl: string,
  globalNamespace: string,
  host: ScriptHost = { scope: window, document },
): Promise<RelayAuthLibrary> {
  const present = findRelayAuth(host.scope, globalNamespace);
  if (present) return Promise.resolve(present);
  let loading = inFlight.get(scriptUrl);
  if (!loading) {
    loading = new Promise<RelayAuthLibrary>((resolve, reject) => {
      const script = host.document.createElement('script');
      script.src = scriptUrl;
      script.async = true;
      script.onload = () => {
        const library = findRelayAuth(host.scope, globalNamespace);
        if (library) resolve(library);
        else reject(new Error(`${scriptUrl} loaded but did not define ${globalNamespace}`));
      };
      script.onerror = () => reject(new Error(`Could not load ${scriptUrl}`));
      host.document.head.appendChild(script);
    });
    inFlight.set(scriptUrl, loading);
    const settled = () => void inFlight.delete(scriptUrl);
    loading.then(settled, settled);
  }
  return loading;
}

/** The library from `<clientUrl>/WebResources/pcs_/scripts/relayauth.js` (default: the page's origin). */
export function loadRelayLibrary(clientUrl?: string): Promise<RelayAuthLibrary> {
  const base = clientUrl?.trim() || window.location.origin;
  return loadRelayAuth(webResourceUrl(base, RelayAuthWebResource.name), RelayAuthWebResource.globalNamespace);
}
