/**
 * The custom controls (PCF) a form's FormXml configures in `<controlDescriptions>`, and the one way to
 * edit them: what the form designer does when a customizer changes a control property. The relay
 * reads the field map here, the solution build checks the generated form with it, the dev stack's form
 * editor and the tests write through it.
 *
 * Both FormXml shapes are accepted: the unpacked solution file (`<forms><systemform>…<form>`) and the
 * Web API's `systemform.formxml` column (a bare `<form>`). Element reference:
 * https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/mt634412(v=crm.8)
 * Parsing keeps element order and whitespace (fast-xml-parser `preserveOrder`), so a write changes the
 * one value and leaves the rest of the document as it was.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { PcfControl, PcfProperties } from './constants';
import { where } from './odataQuery';
import type { ODataQuery } from './odataQuery';

/** The Web API entity set of forms (systemform). */
export const SYSTEM_FORMS = 'systemforms';

/** A table's active main forms (type 2 = Main, formactivationstate 1 = active), with `select`. */
export const activeMainFormsQuery = (entity: string, select: string[]): ODataQuery => ({
  select,
  filter: where.and(
    where.eq('objecttypecode', entity),
    where.eq('type', 2),
    where.eq('formactivationstate', 1),
  ),
});

/** One `<parameters>` child: bound to a column (the value is its logical name), or a static value. */
export interface ControlParameter {
  value: string;
  static: boolean;
  /** Manifest of-type, e.g. `Multiple`, `TwoOptions`. */
  type?: string;
}

/** One `<customControl>` of a `<controlDescription>`. */
export interface FormCustomControl {
  /** `forControl` of the description: the `uniqueid` of the form control it replaces, as written. */
  forControl: string;
  /** `<prefix>_<namespace>.<constructor>`; absent on the entry that names the classic control. */
  name?: string;
  /** `id` attribute: class id of the classic control (the fallback entry only). */
  classId?: string;
  /** 0 web, 1 tablet, 2 phone; absent on the fallback entry. */
  formFactor?: number;
  parameters: Record<string, ControlParameter>;
}

export interface ParameterEdit {
  /** Custom control name, e.g. `pcs_PartnerCoSell.PartnerCenterSync`. */
  controlName: string;
  parameter: string;
  value: string;
  /** `type` attribute used when the parameter element has to be created. */
  type?: string;
}

const options = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  suppressBooleanAttributes: false,
  suppressEmptyNode: true,
} as const;

/** preserveOrder shape: `{ tag: children[], ':@'?: attributes }` or `{ '#text': value }`. */
type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const BOM = '\uFEFF';
const TEXT = '#text';

const tagOf = (node: OrderedNode): string | undefined =>
  Object.keys(node).find((key) => key !== ':@' && key !== TEXT);
const childrenOf = (node: OrderedNode): OrderedNode[] => {
  const tag = tagOf(node);
  const value = tag ? node[tag] : undefined;
  return Array.isArray(value) ? (value as OrderedNode[]) : [];
};
const attr = (node: OrderedNode, name: string): string | undefined => node[':@']?.[`@_${name}`];
const textOf = (node: OrderedNode): string =>
  childrenOf(node)
    .map((c) => (typeof c[TEXT] === 'string' ? c[TEXT] : ''))
    .join('')
    .trim();
/** FormXml writes booleans as true/false or 1/0. */
const flag = (value: string | undefined): boolean => value === 'true' || value === '1';

function* descendants(nodes: OrderedNode[], tag: string): Generator<OrderedNode> {
  for (const node of nodes) {
    if (tagOf(node) === tag) yield node;
    else yield* descendants(childrenOf(node), tag);
  }
}

// Exports start with a UTF-8 BOM; the parser would otherwise see it as text before the root.
const parse = (formXml: string): OrderedNode[] =>
  new XMLParser(options).parse(formXml.replace(/^\uFEFF/, '')) as OrderedNode[];

function parametersOf(customControl: OrderedNode): Record<string, ControlParameter> {
  const result: Record<string, ControlParameter> = {};
  const parameters = childrenOf(customControl).find((node) => tagOf(node) === 'parameters');
  for (const parameter of parameters ? childrenOf(parameters) : []) {
    const name = tagOf(parameter);
    if (!name) continue;
    result[name] = {
      value: textOf(parameter),
      static: flag(attr(parameter, 'static')),
      type: attr(parameter, 'type'),
    };
  }
  return result;
}

/** Every custom control of every `<controlDescription>`, in document order. */
export function readCustomControls(formXml: string): FormCustomControl[] {
  const found: FormCustomControl[] = [];
  for (const description of descendants(parse(formXml), 'controlDescription')) {
    const forControl = attr(description, 'forControl') ?? '';
    for (const customControl of childrenOf(description).filter((node) => tagOf(node) === 'customControl')) {
      const formFactor = attr(customControl, 'formFactor');
      found.push({
        forControl,
        name: attr(customControl, 'name'),
        classId: attr(customControl, 'id'),
        formFactor: formFactor === undefined ? undefined : Number(formFactor),
        parameters: parametersOf(customControl),
      });
    }
  }
  return found;
}

/**
 * The FormXml with the parameter set on every `<customControl name=…>` (all form factors, as the
 * designer writes them); the element is created, static, when missing. Throws when the form has no
 * such custom control.
 */
export function setCustomControlParameter(formXml: string, edit: ParameterEdit): string {
  const tree = parse(formXml);
  let edited = 0;
  for (const description of descendants(tree, 'controlDescription')) {
    for (const customControl of childrenOf(description)) {
      if (tagOf(customControl) !== 'customControl' || attr(customControl, 'name') !== edit.controlName)
        continue;
      let parameters = childrenOf(customControl).find((node) => tagOf(node) === 'parameters');
      if (!parameters) {
        parameters = { parameters: [] };
        childrenOf(customControl).push(parameters);
      }
      const list = childrenOf(parameters);
      let element = list.find((node) => tagOf(node) === edit.parameter);
      if (!element) {
        element = { [edit.parameter]: [], ':@': { '@_static': 'true', '@_type': edit.type ?? 'Multiple' } };
        list.push(element);
      }
      element[edit.parameter] = edit.value === '' ? [] : [{ [TEXT]: edit.value }];
      edited += 1;
    }
  }
  if (edited === 0) throw new Error(`FormXml has no custom control named ${edit.controlName}`);
  const bom = formXml.startsWith(BOM) ? BOM : '';
  return bom + (new XMLBuilder(options).build(tree) as string);
}

/** The `fieldMap` parameter of our control, one text per form factor that configures it. */
export function fieldMapsInFormXml(formXml: string): string[] {
  return readCustomControls(formXml)
    .filter((control) => control.name === PcfControl.fullName)
    .map((control) => control.parameters[PcfProperties.fieldMap]?.value ?? '');
}

/** The FormXml with our control's `fieldMap` set to `mapText` on every form factor. */
export function setFieldMapInFormXml(formXml: string, mapText: string): string {
  return setCustomControlParameter(formXml, {
    controlName: PcfControl.fullName,
    parameter: PcfProperties.fieldMap,
    value: mapText,
  });
}
