/**
 * Loading the sign-in library web resource by script tag, as the browser does: one tag per URL, the
 * promise shared and cached, a failed load forgotten so the next click retries, and the global read
 * back after the script ran. Script execution is simulated by defining the global on `onload`.
 */
import { RelayAuthWebResource } from '../../../Domain/constants';
import {
  findRelayAuth,
  loadMsalFromWebResource,
  loadRelayAuth,
  webResourceUrl,
} from '../../../WebResources/relayClient';
import { createMsalTokenProvider } from '../../../WebResources/relayClient/relayAuthLibrary';

const NS = RelayAuthWebResource.globalNamespace;
const CLIENT_URL = 'https://contoso.crm.dynamics.com';
const URL_OF_LIBRARY = `${CLIENT_URL}/WebResources/pcs_/scripts/relayauth.js`;

const scripts = () => [...document.head.querySelectorAll('script')];

/** What executing relayauth.js does: `var PartnerCoSell = PartnerCoSell || {}; PartnerCoSell.RelayAuth = …`. */
function runLibrary(): void {
  const win = window as unknown as { PartnerCoSell?: Record<string, unknown> };
  win.PartnerCoSell = { ...win.PartnerCoSell, RelayAuth: { createMsalTokenProvider } };
}

afterEach(() => {
  scripts().forEach((s) => s.remove());
  delete (window as unknown as { PartnerCoSell?: unknown }).PartnerCoSell;
});

it('builds the URL under the org URL (Dynamics serves web resources at <clientUrl>/WebResources/<name>)', () => {
  expect(webResourceUrl(`${CLIENT_URL}/`, RelayAuthWebResource.name)).toBe(URL_OF_LIBRARY);
  expect(webResourceUrl(CLIENT_URL, RelayAuthWebResource.name)).toBe(URL_OF_LIBRARY);
});

it('adds one async script tag for concurrent callers and resolves with the global function', async () => {
  const first = loadRelayAuth(URL_OF_LIBRARY, NS);
  const second = loadRelayAuth(URL_OF_LIBRARY, NS);
  expect(second).toBe(first);
  expect(scripts().map((s) => [s.src, s.async])).toEqual([[URL_OF_LIBRARY, true]]);

  runLibrary();
  scripts()[0]!.dispatchEvent(new Event('load'));
  await expect(first).resolves.toEqual({ createMsalTokenProvider });

  // Later callers find the global and add nothing.
  await expect(loadRelayAuth(URL_OF_LIBRARY, NS)).resolves.toEqual({ createMsalTokenProvider });
  expect(scripts()).toHaveLength(1);
});

it('uses a library already on the page without adding a tag', async () => {
  runLibrary();
  await expect(loadRelayAuth(URL_OF_LIBRARY, NS)).resolves.toEqual({ createMsalTokenProvider });
  expect(scripts()).toEqual([]);
});

it('forgets a failed load so the next call adds a new tag', async () => {
  const failing = loadRelayAuth(URL_OF_LIBRARY, NS);
  scripts()[0]!.dispatchEvent(new Event('error'));
  await expect(failing).rejects.toThrow(`Could not load ${URL_OF_LIBRARY}`);

  const retry = loadRelayAuth(URL_OF_LIBRARY, NS);
  expect(retry).not.toBe(failing);
  expect(scripts()).toHaveLength(2);
  runLibrary();
  scripts()[1]!.dispatchEvent(new Event('load'));
  await expect(retry).resolves.toEqual({ createMsalTokenProvider });
});

it('rejects when the script ran but did not define the function (wrong or stale web resource)', async () => {
  const loading = loadRelayAuth(URL_OF_LIBRARY, NS);
  (window as unknown as { PartnerCoSell: unknown }).PartnerCoSell = { RelayAuth: {} };
  scripts()[0]!.dispatchEvent(new Event('load'));
  await expect(loading).rejects.toThrow(`did not define ${NS}`);
});

it('loadMsalFromWebResource: the org URL when given, else the page origin', async () => {
  const fromOrg = loadMsalFromWebResource(CLIENT_URL);
  const fromOrigin = loadMsalFromWebResource(undefined);
  expect(scripts().map((s) => s.src)).toEqual([
    URL_OF_LIBRARY,
    `${window.location.origin}/WebResources/${RelayAuthWebResource.name}`,
  ]);
  runLibrary();
  scripts().forEach((s) => s.dispatchEvent(new Event('load')));
  await expect(fromOrg).resolves.toBe(createMsalTokenProvider);
  await expect(fromOrigin).resolves.toBe(createMsalTokenProvider);
});

it('findRelayAuth ignores a namespace without the function', () => {
  expect(findRelayAuth({}, NS)).toBeUndefined();
  expect(
    findRelayAuth({ PartnerCoSell: { RelayAuth: { createMsalTokenProvider: 'x' } } }, NS),
  ).toBeUndefined();
});
