/**
 * The built library, not the sources: `out/webresources/opportunityform.js` evaluated in a fresh
 * context (as the browser evaluates a form library) must define every handler FormXml registers, and
 * those handlers must work against a form.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { SaveEventContextMock, XrmMockGenerator } from 'xrm-mock';
import {
  FormHandlers,
  OpportunityColumns as O,
  RelayOwnedOpportunityColumns,
  WebResourceNames,
} from '../../../Domain/constants';
import { buildWebResources, WEBRESOURCE_BUNDLE } from '../../../Build/webresources';
import { createOpportunityForm, goodDataverse, serveWebApi } from './helpers/opportunityForm';

type Library = Record<string, (context: unknown) => unknown>;

let code: string;
beforeAll(async () => {
  const { outfile, bytes } = await buildWebResources();
  expect(outfile).toBe(WEBRESOURCE_BUNDLE);
  code = readFileSync(outfile, 'utf8');
  expect(Buffer.byteLength(code)).toBe(bytes);
});

/** Loads the bundle into a new global scope holding only `Xrm`; returns that scope. */
function load(xrm?: unknown): Record<string, unknown> {
  const scope: Record<string, unknown> = xrm ? { Xrm: xrm } : {};
  runInNewContext(code, scope);
  return scope;
}

const library = (scope: Record<string, unknown>): Library =>
  (scope.PartnerCoSell as Record<string, Library>).OpportunityForm!;

it('defines PartnerCoSell.OpportunityForm with exactly the handlers FormXml registers, as functions', () => {
  const scope = load();
  expect(WebResourceNames.globalNamespace).toBe('PartnerCoSell.OpportunityForm');
  for (const handler of Object.values(FormHandlers)) {
    const [ns, lib, fn] = handler.split('.');
    expect(`${ns}.${lib}`).toBe(WebResourceNames.globalNamespace);
    expect([handler, typeof library(scope)[fn!]]).toEqual([handler, 'function']);
  }
  expect(Object.keys(library(scope)).sort()).toEqual([
    'onHelpNeededChange',
    'onLoad',
    'onSave',
    'onSyncChange',
  ]);
});

it('keeps other members of an existing PartnerCoSell namespace', () => {
  const scope: Record<string, unknown> = { PartnerCoSell: { Other: { keep: true } } };
  runInNewContext(code, scope);
  expect((scope.PartnerCoSell as Record<string, unknown>).Other).toEqual({ keep: true });
  expect(typeof library(scope).onLoad).toBe('function');
});

it('is a minified ES2017 script: no import/export statements, no Node built-ins', () => {
  expect(code.startsWith('"use strict";var PartnerCoSell=PartnerCoSell||{};')).toBe(true);
  expect(code).not.toMatch(/\bimport\s*[{*"']|\bexport\s*[{*]|require\(["']node:/);
  expect(code.split('\n').length).toBeLessThanOrEqual(3);
});

it('carries no XML parser: form scripts never read FormXml', () => {
  // An option name of fast-xml-parser and the FormXml element Domain/formXmlControls.ts looks for.
  for (const xmlMarker of ['cdataPropName', 'controlDescription']) {
    expect([xmlMarker, code.includes(xmlMarker)]).toEqual([xmlMarker, false]);
  }
});

it('bundled onLoad locks the relay-owned columns of a real (mock) form', () => {
  const form = createOpportunityForm();
  library(load(Xrm)).onLoad!(XrmMockGenerator.getEventContext());
  for (const column of RelayOwnedOpportunityColumns) {
    expect(form.getAttribute(column)!.controls.get(0)!.getDisabled()).toBe(true);
  }
});

it('bundled onSave cancels a save that breaks a rule and lets a good one through', async () => {
  const data = goodDataverse();
  let form = createOpportunityForm({ values: { estimatedvalue: null } });
  serveWebApi(data);
  let context = new SaveEventContextMock({ formContext: form, context: XrmMockGenerator.context });
  await library(load(Xrm)).onSave!(context);
  expect(context.getEventArgs().isDefaultPrevented()).toBe(true);

  form = createOpportunityForm();
  serveWebApi(data);
  context = new SaveEventContextMock({ formContext: form, context: XrmMockGenerator.context });
  await library(load(Xrm)).onSave!(context);
  expect(context.getEventArgs().isDefaultPrevented()).toBe(false);
  expect(form.getAttribute(O.estimatedValue)!.controls.get(0)!.getDisabled()).toBe(false);
});
