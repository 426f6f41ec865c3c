/**
 * What the form designer does when a customizer edits a custom control's property: rewrite the value
 * of one `<parameters>` child of every `<customControl name=…>` (all form factors) inside
 * `<controlDescriptions>`, leaving the rest of the FormXml as it was. Order-preserving parse/build
 * with fast-xml-parser, never string surgery.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const options = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  suppressBooleanAttributes: false,
  suppressEmptyNode: true,
} as const;

/** preserveOrder shape: `{ tag: children[], ':@'?: attributes }` or `{ '#text': value }`. */
type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const tagOf = (node: OrderedNode): string | undefined => Object.keys(node).find((key) => key !== ':@');
const childrenOf = (node: OrderedNode): OrderedNode[] => {
  const tag = tagOf(node);
  const value = tag ? node[tag] : undefined;
  return Array.isArray(value) ? (value as OrderedNode[]) : [];
};

function* descendants(nodes: OrderedNode[], tag: string): Generator<OrderedNode> {
  for (const node of nodes) {
    if (tagOf(node) === tag) yield node;
    yield* descendants(childrenOf(node), tag);
  }
}

export interface ParameterEdit {
  /** Custom control name, e.g. `pcs_PartnerCoSell.PartnerCenterSync`. */
  controlName: string;
  parameter: string;
  value: string;
  /** `type` attribute used when the parameter element has to be created. */
  type?: string;
}

/** Returns the FormXml with the parameter set; throws when the form has no such custom control. */
export function setCustomControlParameter(formXml: string, edit: ParameterEdit): string {
  const tree = new XMLParser(options).parse(formXml.replace(/^\uFEFF/, '')) as OrderedNode[];
  let edited = 0;
  for (const customControl of descendants(tree, 'customControl')) {
    if (customControl[':@']?.['@_name'] !== edit.controlName) continue;
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
    element[edit.parameter] = edit.value === '' ? [] : [{ '#text': edit.value }];
    edited += 1;
  }
  if (edited === 0) throw new Error(`FormXml has no custom control named ${edit.controlName}`);
  return new XMLBuilder(options).build(tree) as string;
}
