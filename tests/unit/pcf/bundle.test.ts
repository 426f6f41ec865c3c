/**
 * What the production bundle.js contains, read from the built file (`npm test` builds first; a fresh
 * clone builds it once here): the platform libraries stay external, the relay client and MSAL stay in
 * their web resource, and the file stays within its size budget (a byte count, not a timing; the
 * breakdown is bench/pcf-bundle.bench.ts's).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RelayAuthWebResource } from '../../../Domain/constants';
import { DEV_TOKEN_PATH } from '../../../WebResources/relayClient/devTokenProvider';
import { ensureBuiltControl } from '../../e2e/pcf/builtControl';

/** Issue 18: React and Fluent external, the control's own bundle.js at most 40 KB. */
const BUNDLE_BUDGET_BYTES = 40 * 1024;

let code: string;
beforeAll(() => {
  code = readFileSync(path.join(ensureBuiltControl(), 'bundle.js'), 'utf8');
}, 180_000);

it('takes React and Fluent UI from the platform (externals), bundling none of their code', () => {
  // pcf-scripts maps `react` and `@fluentui/react` (root imports only) to these platform globals.
  expect(code).toMatch(/\bReactv16\b/);
  expect(code).toMatch(/\bFluentUIReactv8\d+\b/);
  // Class names Fluent's own components render; our code never writes them.
  for (const fluentClass of ['ms-Toggle', 'ms-Button', 'ms-MessageBar', 'ms-Spinner', 'ms-TextField']) {
    expect([fluentClass, code.includes(fluentClass)]).toEqual([fluentClass, false]);
  }
});

it('fits the 40 KB budget', () => {
  expect(Buffer.byteLength(code)).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
});

it('leaves the relay client and MSAL to the relay library web resource and knows where to load it from', () => {
  for (const msalMarker of ['login.microsoftonline.com', 'msal.js.browser', 'interaction_required']) {
    expect([msalMarker, code.includes(msalMarker)]).toEqual([msalMarker, false]);
  }
  // The relay client's development-token path, its API routes and its failure texts.
  for (const clientMarker of [DEV_TOKEN_PATH, '/api/opportunities/', 'Nothing is lost']) {
    expect([clientMarker, code.includes(clientMarker)]).toEqual([clientMarker, false]);
  }
  expect(code).toContain(RelayAuthWebResource.name);
  expect(code).toContain(RelayAuthWebResource.globalNamespace);
});

it('registers the control through the platform hook pcf-scripts appends', () => {
  expect(code).toContain("ComponentFramework.registerControl('PartnerCoSell.PartnerCenterSync'");
});

it('carries no XML parser: the field map arrives as the fieldMap parameter, never as FormXml', () => {
  // An option name of fast-xml-parser and the FormXml element Domain/formXmlControls.ts looks for.
  for (const xmlMarker of ['cdataPropName', 'controlDescription']) {
    expect([xmlMarker, code.includes(xmlMarker)]).toEqual([xmlMarker, false]);
  }
});
