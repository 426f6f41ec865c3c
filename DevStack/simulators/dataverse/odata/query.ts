/**
 * OData system query options of one request: `$select`, `$filter`, `$expand` (with nested
 * `;`-separated options, a nested `$expand` among them), `$orderby`, `$top`, `$count`. Values arrive
 * already URL-decoded.
 */
import { FilterSyntaxError, parseFilter } from './filter';
import type { FilterNode } from './filter';

export interface OrderBy {
  path: string;
  descending: boolean;
}

export interface ExpandOption {
  navigation: string;
  query: QueryOptions;
}

export interface QueryOptions {
  select?: string[];
  filter?: FilterNode;
  expand: ExpandOption[];
  orderby: OrderBy[];
  top?: number;
  count: boolean;
}

export class QuerySyntaxError extends FilterSyntaxError {}

/** Split on `separator` outside parentheses and quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const KNOWN = new Set([
  '$select',
  '$filter',
  '$expand',
  '$orderby',
  '$top',
  '$count',
  '$skiptoken',
  '$apply',
]);

/** Parse `[name, value]` pairs (top level: from URLSearchParams; nested: from `;` parts). */
export function parseQueryOptions(pairs: Iterable<[string, string]>): QueryOptions {
  const options: QueryOptions = { expand: [], orderby: [], count: false };
  for (const [rawName, value] of pairs) {
    const name = rawName.trim().toLowerCase();
    if (!name.startsWith('$')) continue; // parameter aliases / custom params are ignored
    if (!KNOWN.has(name)) throw new QuerySyntaxError(`The query parameter ${rawName} is not supported`);
    switch (name) {
      case '$select':
        options.select = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '$filter':
        options.filter = parseFilter(value);
        break;
      case '$expand':
        options.expand = splitTopLevel(value, ',').map(parseExpand);
        break;
      case '$orderby':
        options.orderby = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((part) => {
            const [path, direction] = part.split(/\s+/);
            if (direction && !/^(asc|desc)$/i.test(direction))
              throw new QuerySyntaxError(`invalid $orderby direction '${direction}'`);
            return { path: path!, descending: /^desc$/i.test(direction ?? '') };
          });
        break;
      case '$top': {
        const top = Number(value);
        if (!Number.isInteger(top) || top < 0) throw new QuerySyntaxError(`invalid $top '${value}'`);
        options.top = top;
        break;
      }
      case '$count':
        options.count = value.trim().toLowerCase() === 'true';
        break;
      default:
        break;
    }
  }
  return options;
}

function parseExpand(item: string): ExpandOption {
  const open = item.indexOf('(');
  if (open < 0) return { navigation: item, query: { expand: [], orderby: [], count: false } };
  if (!item.endsWith(')')) throw new QuerySyntaxError(`invalid $expand item '${item}'`);
  const navigation = item.slice(0, open).trim();
  const inner = item.slice(open + 1, -1);
  const pairs = splitTopLevel(inner, ';').map((part): [string, string] => {
    const eq = part.indexOf('=');
    if (eq < 0) throw new QuerySyntaxError(`invalid $expand option '${part}'`);
    return [part.slice(0, eq), part.slice(eq + 1)];
  });
  return { navigation, query: parseQueryOptions(pairs) };
}
