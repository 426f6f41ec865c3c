/**
 * XML for the solution: documents are trees in fast-xml-parser's `preserveOrder` shape, so element
 * order (which the Dataverse XSDs enforce with xs:sequence) survives parse → build unchanged.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** One element (`{ tag: children, ':@': attributes }`) or one text node (`{ '#text': value }`). */
export type XmlNode = Record<string, unknown>;
type Attrs = Record<string, string | number | undefined>;
type Child = XmlNode | string | number | null | undefined | false;

const ATTR_PREFIX = '@_';
/** The namespace declaration every real customization document carries on its root. */
export const XSI_NS = { 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' };
/** UTF-8 byte order mark: real `pac`/SolutionPackager files start with it. */
const BOM = '\uFEFF';
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/** Build an element: `el('cell', { id }, [el('labels'), ...])` or `el('Name', ['text'])`. */
export function el(name: string, attrsOrChildren?: Attrs | Child[], maybeChildren?: Child[]): XmlNode {
  const attrs = Array.isArray(attrsOrChildren) ? undefined : attrsOrChildren;
  const children = Array.isArray(attrsOrChildren) ? attrsOrChildren : (maybeChildren ?? []);
  const node: XmlNode = { [name]: children.flatMap(toNode) };
  const attributes = Object.entries(attrs ?? {}).filter(([, v]) => v !== undefined);
  if (attributes.length > 0) {
    node[':@'] = Object.fromEntries(attributes.map(([k, v]) => [ATTR_PREFIX + k, String(v)]));
  }
  return node;
}

/** Element with a single text child: `<Type>bit</Type>`. */
export const leaf = (name: string, value: string | number, attrs?: Attrs): XmlNode =>
  el(name, attrs ?? {}, [String(value)]);

function toNode(child: Child): XmlNode[] {
  if (child === null || child === undefined || child === false) return [];
  if (typeof child === 'string' || typeof child === 'number') {
    return String(child) === '' ? [] : [{ '#text': String(child) }];
  }
  return [child];
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  processEntities: true,
});

export interface SerializeOptions {
  /** `<?xml …?>` + BOM, as SolutionPackager source files and `[Content_Types].xml` have. */
  declaration?: boolean;
}

export function serialize(nodes: XmlNode | XmlNode[], options: SerializeOptions = {}): string {
  const body = builder.build(Array.isArray(nodes) ? nodes : [nodes]).replace(/^\n+/, '');
  return options.declaration ? `${BOM}${DECLARATION}\n${body}` : body;
}

/** Parse a document (BOM and declaration tolerated) into preserveOrder nodes. */
export function parse(text: string): XmlNode[] {
  return parser.parse(text.replace(/^\uFEFF/, '')) as XmlNode[];
}

/** Throws with the parser's line/column message when `text` is not well-formed XML. */
export function assertWellFormed(text: string, where: string): void {
  const result = XMLValidator.validate(text.replace(/^\uFEFF/, ''));
  if (result !== true) {
    throw new Error(`${where}: not well-formed XML: ${result.err.msg} (line ${result.err.line})`);
  }
}

// ---- navigation helpers over preserveOrder trees ----

export const tagOf = (node: XmlNode): string | undefined =>
  Object.keys(node).find((k) => k !== ':@' && k !== '#text');

export const childrenOf = (node: XmlNode): XmlNode[] => {
  const tag = tagOf(node);
  return tag ? (node[tag] as XmlNode[]) : [];
};

export const attr = (node: XmlNode, name: string): string | undefined =>
  (node[':@'] as Record<string, string> | undefined)?.[ATTR_PREFIX + name];

export const textOf = (node: XmlNode): string =>
  childrenOf(node)
    .map((c) => (typeof c['#text'] === 'string' ? c['#text'] : ''))
    .join('');

export const children = (node: XmlNode, tag: string): XmlNode[] =>
  childrenOf(node).filter((c) => tagOf(c) === tag);

export const child = (node: XmlNode, tag: string): XmlNode | undefined => children(node, tag)[0];

/** First root element of a parsed document. */
export function root(doc: XmlNode[]): XmlNode {
  const found = doc.find((n) => tagOf(n) !== undefined);
  if (!found) throw new Error('empty XML document');
  return found;
}

/** Every descendant element named `tag` (depth first, document order). */
export function descendants(node: XmlNode, tag: string): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode): void => {
    for (const c of childrenOf(n)) {
      if (tagOf(c) === tag) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/** Replace the children of an element (returns a new node; attributes kept). */
export function withChildren(node: XmlNode, kids: XmlNode[]): XmlNode {
  const tag = tagOf(node);
  if (!tag) throw new Error('text node has no children');
  return { ...node, [tag]: kids };
}

/** Same element without attributes (used to drop `xmlns:xsi` when nesting unpacked roots). */
export function withoutAttributes(node: XmlNode, names: string[]): XmlNode {
  const attrs = { ...((node[':@'] as Record<string, string> | undefined) ?? {}) };
  for (const n of names) delete attrs[ATTR_PREFIX + n];
  const { ':@': _dropped, ...rest } = node;
  return Object.keys(attrs).length > 0 ? { ...rest, ':@': attrs } : rest;
}

/** Same element with extra attributes put first (e.g. `xmlns:xsi` on an unpacked root). */
export function withLeadingAttributes(node: XmlNode, extra: Record<string, string>): XmlNode {
  const attrs = (node[':@'] as Record<string, string> | undefined) ?? {};
  const prefixed = Object.fromEntries(Object.entries(extra).map(([k, v]) => [ATTR_PREFIX + k, v]));
  return { ...node, ':@': { ...prefixed, ...attrs } };
}
