/**
 * The built sign-in library `out/webresources/relayauth.js`, not its sources: evaluated in a fresh
 * context (as the browser evaluates a script tag) it must define
 * `PartnerCoSell.RelayAuth.createMsalTokenProvider` without touching window or storage, keep other
 * members of the namespace, and the function it defines must really produce tokens.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { RelayAuthWebResource, WebResourceNames } from '../../../Domain/constants';
import { buildRelayAuth, missingRelayAuth, RELAYAUTH_BUNDLE } from '../../../Build/webresources';
import type { MsalApp, TokenProvider } from '../../../WebResources/relayClient';
import type { MsalTokenProviderFactory } from '../../../WebResources/relayClient/relayAuthLoader';

let code: string;
beforeAll(async () => {
  const { outfile, bytes } = await buildRelayAuth();
  expect(outfile).toBe(RELAYAUTH_BUNDLE);
  code = readFileSync(outfile, 'utf8');
  expect(Buffer.byteLength(code)).toBe(bytes);
});

/** Evaluates the bundle in a scope holding only `scope`; returns PartnerCoSell.RelayAuth. */
function load(scope: Record<string, unknown> = {}): Record<string, unknown> {
  runInNewContext(code, scope);
  return (scope.PartnerCoSell as Record<string, Record<string, unknown>>).RelayAuth!;
}

it('defines PartnerCoSell.RelayAuth.createMsalTokenProvider and createRelayClientForUser, in a bare global scope', () => {
  expect(`${RelayAuthWebResource.globalNamespace}.${RelayAuthWebResource.factoryName}`).toBe(
    'PartnerCoSell.RelayAuth.createMsalTokenProvider',
  );
  const library = load();
  expect(typeof library[RelayAuthWebResource.factoryName]).toBe('function');
  expect(typeof library[RelayAuthWebResource.relayClientFactoryName]).toBe('function');
  expect(typeof library.relayScopes).toBe('function');
  expect(missingRelayAuth(code)).toEqual([]);
  expect(missingRelayAuth('var PartnerCoSell = {};')).toEqual([
    'PartnerCoSell.RelayAuth.createMsalTokenProvider',
    'PartnerCoSell.RelayAuth.createRelayClientForUser',
  ]);
});

it('keeps the form library namespace that may already be on the page', () => {
  const formLibrary = { onLoad: () => undefined };
  const scope: Record<string, unknown> = { PartnerCoSell: { OpportunityForm: formLibrary } };
  load(scope);
  expect(WebResourceNames.globalNamespace).toBe('PartnerCoSell.OpportunityForm');
  expect((scope.PartnerCoSell as Record<string, unknown>).OpportunityForm).toBe(formLibrary);
});

it('carries MSAL (so the PCF bundle does not): a classic script with the Entra ID authority', () => {
  expect(code).toContain('login.microsoftonline.com');
  expect(code).not.toMatch(/\bimport\s*[{*"']|\bexport\s*[{*]|require\(["']node:/);
  expect(code.startsWith('"use strict";var PartnerCoSell=PartnerCoSell||{};')).toBe(true);
});

it('the bundled function signs in silently with the Dynamics login hint (injected MSAL app)', async () => {
  const factory = load()[RelayAuthWebResource.factoryName] as MsalTokenProviderFactory;
  const seller = { username: 'seller@contoso.com', homeAccountId: 'h', environment: 'e', tenantId: 't' };
  const calls: unknown[] = [];
  const msal = {
    initialize: async () => undefined,
    getActiveAccount: () => null,
    getAllAccounts: () => [],
    setActiveAccount: () => undefined,
    acquireTokenSilent: async () => ({ accessToken: 'silent', account: seller }),
    ssoSilent: async (request: unknown) => {
      calls.push(request);
      return { accessToken: 'sso-token', account: seller };
    },
    acquireTokenPopup: async () => ({ accessToken: 'popup', account: seller }),
  } as unknown as MsalApp;
  const getToken: TokenProvider = factory({
    clientId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    loginHint: 'seller@contoso.com',
    msal,
  });
  await expect(getToken()).resolves.toBe('sso-token');
  expect(calls).toEqual([
    { scopes: ['api://0f8fad5b-d9cb-469f-a165-70867728950e/.default'], loginHint: 'seller@contoso.com' },
  ]);
});
