/**
 * Entry of the relay library web resource `pcs_/scripts/relayauth.js` (Build/webresources.ts bundles it
 * as an IIFE defining the global `PartnerCoSell.RelayAuth`): MSAL and what wraps it, and the relay
 * client, which the PCF control loads from here on the first relay call (relayAuthLoader.ts) instead of
 * carrying it in bundle.js.
 */
import { createRelayClientForUser as createForUser } from './environment';
import type { MsalTokenProviderFactory, RelayClientFactory } from './relayAuthLoader';
import { createMsalTokenProvider as create, relayScopes } from './msalTokenProvider';

export const createMsalTokenProvider: MsalTokenProviderFactory = create;
export { relayScopes };

/** The relay client for the signed-in user; MSAL comes from this same file, never loaded a second time. */
export const createRelayClientForUser: RelayClientFactory = (options) =>
  createForUser({
    ...options,
    loadMsal: options.loadMsal ?? (() => Promise.resolve(createMsalTokenProvider)),
  });
