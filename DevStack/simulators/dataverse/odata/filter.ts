/**
 * The `$filter` subset the product uses, parsed by a small tokenizer + recursive-descent parser into
 * an AST and evaluated against a row. Grammar (OData v4 URL conventions, precedence not > and > or):
 *   or := and ('or' and)* ; and := unary ('and' unary)* ; unary := 'not' unary | cmp
 *   cmp := operand (('eq'|'ne'|'gt'|'ge'|'lt'|'le') operand)? ; operand := '(' or ')' | call | literal | path
 * Literals: 'text' ('' escapes a quote), numbers, true/false/null, bare GUIDs, bare dates/date-times.
 */
import { isGuid } from '../../../../Domain/ids';

export type Literal =
  | { kind: 'literal'; type: 'string'; value: string }
  | { kind: 'literal'; type: 'number'; value: number }
  | { kind: 'literal'; type: 'boolean'; value: boolean }
  | { kind: 'literal'; type: 'null'; value: null }
  | { kind: 'literal'; type: 'guid'; value: string }
  | { kind: 'literal'; type: 'datetime'; value: string };

export type Operand = Literal | { kind: 'property'; path: string } | CallNode;
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export interface CallNode {
  kind: 'call';
  name: 'contains' | 'startswith' | 'endswith';
  args: Operand[];
}
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | CallNode
  | { kind: 'value'; operand: Operand };

export class FilterSyntaxError extends Error {}

type Token =
  | { t: 'lparen' | 'rparen' | 'comma'; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'word'; v: string; pos: number };

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', pos: i });
      i++;
    } else if (c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError(`unterminated string literal at position ${start}`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ t: 'string', v: value, pos: start });
    } else {
      const start = i;
      while (i < text.length && !" \t(),'".includes(text[i]!)) i++;
      tokens.push({ t: 'word', v: text.slice(start, i), pos: start });
    }
  }
  return tokens;
}

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set<string>(['contains', 'startswith', 'endswith']);

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const isWord = (w: string): boolean => {
    const token = peek();
    return token?.t === 'word' && token.v.toLowerCase() === w;
  };
  const expect = (t: Token['t']): Token => {
    const token = tokens[index];
    if (!token || token.t !== t)
      throw new FilterSyntaxError(`expected ${t} at position ${token?.pos ?? text.length} in $filter`);
    index++;
    return token;
  };

  function parseOr(): FilterNode {
    let left = parseAnd();
    while (isWord('or')) {
      index++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd(): FilterNode {
    let left = parseUnary();
    while (isWord('and')) {
      index++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  }
  function parseUnary(): FilterNode {
    if (isWord('not')) {
      index++;
      return { kind: 'not', operand: parseUnary() };
    }
    return parseComparison();
  }
  function parseComparison(): FilterNode {
    if (peek()?.t === 'lparen') {
      index++;
      const inner = parseOr();
      expect('rparen');
      return inner;
    }
    const left = parseOperand();
    const token = peek();
    if (token?.t === 'word' && COMPARE_OPS.has(token.v.toLowerCase())) {
      index++;
      return { kind: 'compare', op: token.v.toLowerCase() as CompareOp, left, right: parseOperand() };
    }
    if (left.kind === 'call') return left;
    if (left.kind === 'literal' && left.type === 'boolean') return { kind: 'value', operand: left };
    if (left.kind === 'property') return { kind: 'value', operand: left };
    throw new FilterSyntaxError(`expected a comparison at position ${token?.pos ?? text.length} in $filter`);
  }
  function parseOperand(): Operand {
    const token = peek();
    if (!token) throw new FilterSyntaxError('unexpected end of $filter');
    index++;
    if (token.t === 'string') return { kind: 'literal', type: 'string', value: token.v };
    if (token.t !== 'word')
      throw new FilterSyntaxError(`unexpected '${token.t}' at position ${token.pos} in $filter`);
    const word = token.v;
    const lower = word.toLowerCase();
    if (FUNCTIONS.has(lower) && peek()?.t === 'lparen') {
      index++;
      const args: Operand[] = [parseOperand()];
      while (peek()?.t === 'comma') {
        index++;
        args.push(parseOperand());
      }
      expect('rparen');
      if (args.length !== 2) throw new FilterSyntaxError(`${lower} takes two arguments`);
      return { kind: 'call', name: lower as CallNode['name'], args };
    }
    if (lower === 'null') return { kind: 'literal', type: 'null', value: null };
    if (lower === 'true' || lower === 'false')
      return { kind: 'literal', type: 'boolean', value: lower === 'true' };
    if (isGuid(word)) return { kind: 'literal', type: 'guid', value: lower };
    if (DATE.test(word)) return { kind: 'literal', type: 'datetime', value: word };
    if (NUMBER.test(word))
      return { kind: 'literal', type: 'number', value: Number(word.replace(/[mMdDfFlL]$/, '')) };
    if (PATH.test(word)) return { kind: 'property', path: word };
    throw new FilterSyntaxError(`unrecognized token '${word}' at position ${token.pos} in $filter`);
  }

  const tree = parseOr();
  if (index < tokens.length)
    throw new FilterSyntaxError(`unexpected token at position ${tokens[index]!.pos} in $filter`);
  return tree;
}

/** Every property path a filter reads (to validate names before evaluating). */
export function filterProperties(node: FilterNode | Operand): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'not':
      return filterProperties(node.operand);
    case 'compare':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'call':
      return node.args.flatMap(filterProperties);
    case 'value':
      return filterProperties(node.operand);
    case 'property':
      return [node.path];
    default:
      return [];
  }
}

/** Reads a property (the Web API JSON value: `_x_value` GUIDs, numbers, ISO dates) from a row. */
export type PropertyReader = (path: string) => unknown;

function operandValue(operand: Operand, read: PropertyReader): unknown {
  if (operand.kind === 'property') return read(operand.path);
  if (operand.kind === 'call') return evaluateCall(operand, read);
  return operand.value;
}

/** Dataverse compares text case-insensitively (SQL collation); GUIDs and dates by value. */
function normalize(value: unknown, hint?: Literal['type']): unknown {
  if (typeof value === 'string') {
    if (hint === 'datetime' || (hint === undefined && DATE.test(value))) {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms)) return ms;
    }
    return value.toLowerCase();
  }
  return value;
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
  }
}

function evaluateCall(node: CallNode, read: PropertyReader): boolean {
  const [haystack, needle] = node.args.map((a) => operandValue(a, read));
  if (typeof haystack !== 'string' || typeof needle !== 'string') return false;
  const h = haystack.toLowerCase();
  const n = needle.toLowerCase();
  if (node.name === 'contains') return h.includes(n);
  if (node.name === 'startswith') return h.startsWith(n);
  return h.endsWith(n);
}

export function evaluateFilter(node: FilterNode, read: PropertyReader): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, read) && evaluateFilter(node.right, read);
    case 'or':
      return evaluateFilter(node.left, read) || evaluateFilter(node.right, read);
    case 'not':
      return !evaluateFilter(node.operand, read);
    case 'call':
      return evaluateCall(node, read);
    case 'value':
      return operandValue(node.operand, read) === true;
    case 'compare': {
      const hint =
        node.left.kind === 'literal'
          ? node.left.type
          : node.right.kind === 'literal'
            ? node.right.type
            : undefined;
      const a = normalize(operandValue(node.left, read) ?? null, hint);
      const b = normalize(operandValue(node.right, read) ?? null, hint);
      return compare(node.op, a, b);
    }
  }
}
