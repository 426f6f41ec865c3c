/**
 * The subset of OData the Referrals list documents (partner-center-api.md §1.3): $filter with
 * eq/ne/gt/ge/lt/le, and/or/not, parentheses, nested paths (customerProfile/address/country) and
 * `team/any(t:t/email eq '…')`; $orderby on createdDateTime/updatedDateTime; $top.
 * Anything else is a 400, as an unsupported query would be on the real service.
 */
import { badRequest } from './errors';

type Value = string | number | boolean | null;
type Node =
  | { kind: 'cmp'; op: string; path: string[]; value: Value }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; inner: Node }
  | { kind: 'any'; path: string[]; variable: string; inner: Node };

const TOKEN =
  /\s*(?:('(?:[^']|'')*')|(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))|(-?\d+(?:\.\d+)?)(?![\w-])|([A-Za-z_][\w]*(?:\/[A-Za-z_][\w]*)*)|(\()|(\))|(:)|(,))/y;

type Token = { type: 'str' | 'date' | 'num' | 'ident' | '(' | ')' | ':' | ','; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < input.length) {
    if (/^\s*$/.test(input.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(input);
    if (!m) throw badRequest(`Invalid $filter near "${input.slice(at, at + 20)}"`);
    if (m[1]) tokens.push({ type: 'str', text: m[1].slice(1, -1).replace(/''/g, "'") });
    else if (m[2]) tokens.push({ type: 'date', text: m[2] });
    else if (m[3]) tokens.push({ type: 'num', text: m[3] });
    else if (m[4]) tokens.push({ type: 'ident', text: m[4] });
    else
      tokens.push({
        type: (m[5] ?? m[6] ?? m[7] ?? m[8]) as Token['type'],
        text: m[5] ?? m[6] ?? m[7] ?? m[8]!,
      });
  }
  return tokens;
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(input: string): Node {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const expect = (type: Token['type']) => {
    const t = tokens[pos++];
    if (!t || t.type !== type) throw badRequest(`Invalid $filter: expected ${type}`);
    return t;
  };
  const keyword = (word: string) => peek()?.type === 'ident' && peek()!.text.toLowerCase() === word;

  function or(): Node {
    let left = and();
    while (keyword('or')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  function and(): Node {
    let left = unary();
    while (keyword('and')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  }
  function unary(): Node {
    if (keyword('not')) {
      pos++;
      return { kind: 'not', inner: unary() };
    }
    if (peek()?.type === '(') {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    const path = expect('ident').text.split('/');
    if (path[path.length - 1] === 'any' && peek()?.type === '(') {
      pos++;
      const variable = expect('ident').text;
      expect(':');
      const inner = or();
      expect(')');
      return { kind: 'any', path: path.slice(0, -1), variable, inner };
    }
    const op = expect('ident').text.toLowerCase();
    if (!COMPARISONS.has(op)) throw badRequest(`Unsupported $filter operator ${op}`);
    return { kind: 'cmp', op, path, value: literal() };
  }
  function literal(): Value {
    const t = tokens[pos++];
    if (!t) throw badRequest('Invalid $filter: missing value');
    if (t.type === 'str' || t.type === 'date') return t.text;
    if (t.type === 'num') return Number(t.text);
    if (t.type === 'ident' && ['true', 'false', 'null'].includes(t.text)) return JSON.parse(t.text) as Value;
    throw badRequest(`Invalid $filter value ${t.text}`);
  }

  const node = or();
  if (pos !== tokens.length) throw badRequest(`Invalid $filter: unexpected "${tokens[pos]!.text}"`);
  return node;
}

const ISO = /^\d{4}-\d{2}-\d{2}T/;

function resolve(item: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (acc, key) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[key] : undefined),
    item,
  );
}

function compare(op: string, actual: unknown, expected: Value): boolean {
  if (actual === undefined) actual = null;
  let a = actual as Value;
  let b = expected;
  // Dates compare as instants (fractional digits and offsets differ between writers).
  if (typeof a === 'string' && typeof b === 'string' && ISO.test(a) && ISO.test(b)) {
    a = Date.parse(a);
    b = Date.parse(b);
  }
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    default: {
      if (a === null || b === null) return false;
      if (op === 'gt') return a > b;
      if (op === 'ge') return a >= b;
      if (op === 'lt') return a < b;
      return a <= b;
    }
  }
}

export function evaluate(node: Node, item: unknown, scope: Record<string, unknown> = {}): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, item, scope) && evaluate(node.right, item, scope);
    case 'or':
      return evaluate(node.left, item, scope) || evaluate(node.right, item, scope);
    case 'not':
      return !evaluate(node.inner, item, scope);
    case 'any': {
      const list = resolve(item, node.path);
      return (
        Array.isArray(list) &&
        list.some((el) => evaluate(node.inner, item, { ...scope, [node.variable]: el }))
      );
    }
    case 'cmp': {
      const [head, ...rest] = node.path;
      const actual = head! in scope ? resolve(scope[head!], rest) : resolve(item, node.path);
      return compare(node.op, actual, node.value);
    }
  }
}

const ORDERABLE = new Set(['createdDateTime', 'updatedDateTime']);

export type OrderBy = Array<{ field: string; descending: boolean }>;

export function parseOrderBy(input: string): OrderBy {
  return input.split(',').map((part) => {
    const [field, direction = 'asc', ...extra] = part.trim().split(/\s+/);
    if (
      !field ||
      !ORDERABLE.has(field) ||
      extra.length > 0 ||
      !['asc', 'desc'].includes(direction.toLowerCase())
    ) {
      throw badRequest(
        `$orderby supports createdDateTime and updatedDateTime (asc|desc), got "${part.trim()}"`,
      );
    }
    return { field, descending: direction.toLowerCase() === 'desc' };
  });
}

/** Sorts by the given dates; equal timestamps keep insertion (creation) order, reversed for desc. */
export function sortBy<T>(items: T[], orderBy: OrderBy): T[] {
  // Each date parsed once per item, not once per comparison: every page of a list sorts it all again.
  const indexed = items.map((item, index) => ({
    item,
    index,
    keys: orderBy.map(({ field }) => Date.parse(String(resolve(item, [field]) ?? ''))),
  }));
  const lastDescending = orderBy[orderBy.length - 1]?.descending ?? false;
  indexed.sort((x, y) => {
    for (const [i, { descending }] of orderBy.entries()) {
      const a = x.keys[i]!;
      const b = y.keys[i]!;
      if (a !== b) return descending ? b - a : a - b;
    }
    return lastDescending ? y.index - x.index : x.index - y.index;
  });
  return indexed.map((e) => e.item);
}

export function parseTop(input: string): number {
  if (!/^\d+$/.test(input) || Number(input) < 1)
    throw badRequest(`$top must be a positive integer, got "${input}"`);
  return Number(input);
}
