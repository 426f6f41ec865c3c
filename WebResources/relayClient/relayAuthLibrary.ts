/**
 * Entry of the sign-in library web resource `pcs_/scripts/relayauth.js` (Build/webresources.ts bundles
 * it as an IIFE defining the global `PartnerCoSell.RelayAuth`). Only MSAL and what wraps it live here;
 * the relay client itself stays in the PCF bundle and loads this file on first need (relayAuthLoader.ts).
 */
import type { MsalTokenProviderFactory } from './relayAuthLoader';
import { createMsalTokenProvider as create, relayScopes } from './msalTokenProvider';

export const createMsalTokenProvider: MsalTokenProviderFactory = create;
export { relayScopes };
