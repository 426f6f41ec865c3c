/**
 * What the production bundle.js contains, read from the built file (`npm test` builds first; a fresh
 * clone builds it once here): the platform libraries stay external and MSAL stays in its own web
 * resource. Sizes are measured by bench/pcf-bundle.bench.ts, not asserted here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RelayAuthWebResource } from '../../../Domain/constants';
import { ensureBuiltControl } from '../../e2e/pcf/builtControl';

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

it('leaves MSAL to the sign-in library web resource and knows where to load it from', () => {
  for (const msalMarker of ['login.microsoftonline.com', 'msal.js.browser', 'interaction_required']) {
    expect([msalMarker, code.includes(msalMarker)]).toEqual([msalMarker, false]);
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
