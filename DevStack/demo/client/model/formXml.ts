/**
 * FormXml → a plain form model the demo renders: tabs, sections, cells, controls, the custom-control
 * bindings from `<controlDescriptions>` (read by Domain/formXmlControls, like the relay reads them), the
 * script libraries and the events with their handlers.
 * Accepts both the unpacked file shape (`<forms><systemform>…<form>`) and the `systemforms.formxml`
 * column of the Web API (just `<form>…</form>`), as described in dataverse-solution-format.md §1.6.
 */
import { XMLParser } from 'fast-xml-parser';
import { readCustomControls, type FormCustomControl } from '../../../../Domain/formXmlControls';

/** Labels of one element by LCID (`<labels><label description languagecode/></labels>`). */
export type Labels = Record<number, string>;

export interface SubgridParameters {
  targetEntityType: string;
  relationshipName: string;
  viewId?: string;
  recordsPerPage?: number;
}

export interface FormControl {
  /** `id` of the control: the column name for fields, the grid name for subgrids. */
  id: string;
  classId: string;
  dataFieldName?: string;
  /** Set when a custom control (PCF) replaces the classic control; keys `controlDescriptions`. */
  uniqueId?: string;
  disabled: boolean;
  subgrid?: SubgridParameters;
}

export interface FormCell {
  id: string;
  labels: Labels;
  showLabel: boolean;
  visible: boolean;
  control?: FormControl;
}

export interface FormSection {
  name: string;
  id: string;
  labels: Labels;
  showLabel: boolean;
  visible: boolean;
  rows: FormCell[][];
}

export interface FormTab {
  name: string;
  id: string;
  labels: Labels;
  visible: boolean;
  expanded: boolean;
  /** Sections in column order (the demo lays the columns out side by side). */
  columns: FormSection[][];
}

export interface FormHandler {
  functionName: string;
  libraryName: string;
  enabled: boolean;
  passExecutionContext: boolean;
  /** The comma-separated `parameters` attribute, split and unquoted. */
  parameters: string[];
}

export interface FormEvent {
  name: string;
  attribute?: string;
  control?: string;
  /** Customizer handlers only; `<InternalHandlers>` belong to Microsoft's own libraries. */
  handlers: FormHandler[];
}

export interface FormModel {
  formId?: string;
  names: Labels;
  tabs: FormTab[];
  /** forControl (uniqueid, braces and case normalized) → custom controls. */
  controlDescriptions: Record<string, FormCustomControl[]>;
  libraries: string[];
  events: FormEvent[];
  hiddenFields: string[];
}

/** Elements that may repeat; everything else parses as a single object. */
const REPEATED = new Set([
  'tab',
  'column',
  'section',
  'row',
  'cell',
  'label',
  'control',
  'Library',
  'event',
  'Handler',
  'data',
  'LocalizedName',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

type Node = Record<string, unknown>;

const asNodes = (value: unknown): Node[] =>
  Array.isArray(value) ? (value as Node[]) : value && typeof value === 'object' ? [value as Node] : [];
const child = (node: Node | undefined, name: string): Node | undefined => asNodes(node?.[name])[0];
const attr = (node: Node | undefined, name: string): string | undefined => {
  const value = node?.[`@_${name}`];
  return value === undefined ? undefined : String(value);
};
const text = (node: unknown): string => {
  if (node === undefined || node === null) return '';
  if (typeof node !== 'object') return String(node);
  const value = (node as Node)['#text'];
  return value === undefined ? '' : String(value);
};
/** FormXml writes booleans as true/false, 1/0 and, for `visible`, omits them when true. */
const flag = (value: string | undefined, fallback: boolean): boolean =>
  value === undefined ? fallback : value === 'true' || value === '1';

/** `{ABC-…}` / `abc-…` → `abc-…`: ids are compared without braces and case. */
export const normalizeId = (id: string): string => id.replace(/[{}]/g, '').toLowerCase();

function labelsOf(node: Node | undefined): Labels {
  const labels: Labels = {};
  for (const label of asNodes(child(node, 'labels')?.label)) {
    const lcid = Number(attr(label, 'languagecode'));
    if (Number.isFinite(lcid)) labels[lcid] = attr(label, 'description') ?? '';
  }
  return labels;
}

/** The label in the user's language, else English, else any; undefined when there is none. */
export function pickLabel(labels: Labels, lcid: number): string | undefined {
  const found = labels[lcid] ?? labels[1033] ?? Object.values(labels)[0];
  return found === '' ? undefined : found;
}

function subgridOf(control: Node): SubgridParameters | undefined {
  if (!flag(attr(control, 'indicationOfSubgrid'), false)) return undefined;
  const params = child(control, 'parameters');
  const recordsPerPage = Number(text(params?.RecordsPerPage));
  return {
    targetEntityType: text(params?.TargetEntityType),
    relationshipName: text(params?.RelationshipName),
    viewId: text(params?.ViewId) || undefined,
    recordsPerPage: Number.isFinite(recordsPerPage) && recordsPerPage > 0 ? recordsPerPage : undefined,
  };
}

function controlOf(cell: Node): FormControl | undefined {
  const control = asNodes(cell.control)[0];
  if (!control) return undefined;
  return {
    id: attr(control, 'id') ?? '',
    classId: normalizeId(attr(control, 'classid') ?? ''),
    dataFieldName: attr(control, 'datafieldname'),
    uniqueId: attr(control, 'uniqueid') ? normalizeId(attr(control, 'uniqueid') ?? '') : undefined,
    disabled: flag(attr(control, 'disabled'), false),
    subgrid: subgridOf(control),
  };
}

function sectionOf(section: Node): FormSection {
  return {
    name: attr(section, 'name') ?? '',
    id: normalizeId(attr(section, 'id') ?? ''),
    labels: labelsOf(section),
    showLabel: flag(attr(section, 'showlabel'), true),
    visible: flag(attr(section, 'visible'), true),
    rows: asNodes(child(section, 'rows')?.row).map((row) =>
      asNodes(row.cell).map((cell) => ({
        id: normalizeId(attr(cell, 'id') ?? ''),
        labels: labelsOf(cell),
        showLabel: flag(attr(cell, 'showlabel'), true),
        visible: flag(attr(cell, 'visible'), true),
        control: controlOf(cell),
      })),
    ),
  };
}

function tabOf(tab: Node): FormTab {
  return {
    name: attr(tab, 'name') ?? '',
    id: normalizeId(attr(tab, 'id') ?? ''),
    labels: labelsOf(tab),
    visible: flag(attr(tab, 'visible'), true),
    expanded: flag(attr(tab, 'expanded'), true),
    columns: asNodes(child(tab, 'columns')?.column).map((column) =>
      asNodes(child(column, 'sections')?.section).map(sectionOf),
    ),
  };
}

/** Custom controls by the (normalized) uniqueid of the form control they replace. */
function controlDescriptionsOf(xml: string): Record<string, FormCustomControl[]> {
  const result: Record<string, FormCustomControl[]> = {};
  for (const custom of readCustomControls(xml)) {
    const forControl = normalizeId(custom.forControl);
    const classId = custom.classId === undefined ? undefined : normalizeId(custom.classId);
    (result[forControl] ??= []).push({ ...custom, forControl, classId });
  }
  return result;
}

/** `"a",'b', 3` → ['a', 'b', '3'] — the handler `parameters` attribute of the form designer. */
export function splitHandlerParameters(raw: string | undefined): string[] {
  if (!raw || !raw.trim()) return [];
  return raw
    .split(',')
    .map((part) => part.trim().replace(/^(['"])(.*)\1$/, '$2'))
    .filter((part) => part !== '');
}

function eventsOf(form: Node): FormEvent[] {
  return asNodes(child(form, 'events')?.event).map((event) => ({
    name: (attr(event, 'name') ?? '').toLowerCase(),
    attribute: attr(event, 'attribute'),
    control: attr(event, 'control'),
    handlers: asNodes(child(event, 'Handlers')?.Handler).map((handler) => ({
      functionName: attr(handler, 'functionName') ?? '',
      libraryName: attr(handler, 'libraryName') ?? '',
      enabled: flag(attr(handler, 'enabled'), true),
      passExecutionContext: flag(attr(handler, 'passExecutionContext'), false),
      parameters: splitHandlerParameters(attr(handler, 'parameters')),
    })),
  }));
}

/** Depth-first search for the `<form>` element (the root for Web API formxml). */
function findForm(node: Node): Node | undefined {
  if (node.form) return asNodes(node.form)[0];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '?xml') continue;
    for (const nested of asNodes(value)) {
      const found = findForm(nested);
      if (found) return found;
    }
  }
  return undefined;
}

export function parseFormXml(xml: string): FormModel {
  // Exports start with a UTF-8 BOM; the parser would otherwise see it as text before the root.
  const root = parser.parse(xml.replace(/^\uFEFF/, '')) as Node;
  const form = findForm(root);
  if (!form) throw new Error('FormXml has no <form> element');
  const systemform = child(child(root, 'forms'), 'systemform');
  const names: Labels = {};
  for (const name of asNodes(child(systemform, 'LocalizedNames')?.LocalizedName)) {
    names[Number(attr(name, 'languagecode'))] = attr(name, 'description') ?? '';
  }
  const formId = text(systemform?.formid);
  return {
    formId: formId ? normalizeId(formId) : undefined,
    names,
    tabs: asNodes(child(form, 'tabs')?.tab).map(tabOf),
    controlDescriptions: controlDescriptionsOf(xml),
    libraries: asNodes(child(form, 'formLibraries')?.Library).map((library) => attr(library, 'name') ?? ''),
    events: eventsOf(form),
    hiddenFields: asNodes(child(form, 'hiddencontrols')?.data)
      .map((data) => attr(data, 'datafieldname') ?? '')
      .filter(Boolean),
  };
}

/** Every control on the form, with where it sits (for attribute/control registries). */
export function allControls(model: FormModel): FormControl[] {
  return model.tabs.flatMap((tab) =>
    tab.columns.flatMap((sections) =>
      sections.flatMap((section) =>
        section.rows.flatMap((row) => row.flatMap((cell) => (cell.control ? [cell.control] : []))),
      ),
    ),
  );
}

/** The custom control configured for a form control for the web form factor (0), else any. */
export function customControlFor(
  model: FormModel,
  control: FormControl,
  name?: string,
): FormCustomControl | undefined {
  if (!control.uniqueId) return undefined;
  const candidates = (model.controlDescriptions[control.uniqueId] ?? []).filter(
    (custom) => custom.name !== undefined && (name === undefined || custom.name === name),
  );
  return candidates.find((custom) => custom.formFactor === 0) ?? candidates[0];
}
