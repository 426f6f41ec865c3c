/**
 * Typed OData queries and the one builder that turns them into query text, for the Dataverse Web API
 * and the Partner Center Referrals API alike. Callers say which columns, which rows and which order;
 * the builder doubles quotes in string literals, checks GUIDs, writes lookup columns as `_x_value`,
 * parenthesises nested logic and percent-encodes the characters that would end a query option.
 * Dataverse query syntax: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview
 * Literals: OData ABNF, http://docs.oasis-open.org/odata/odata/v4.01/os/abnf/odata-abnf-construction-rules.txt
 * The browser bundles this too: no classes, spread or destructuring, so the PCF build's Babel pass adds
 * no helpers (see snapshotLoader.ts).
 */
import { normalizeGuid } from './ids';

/** A GUID value (unquoted in OData); validated when the query is built. */
export interface GuidValue {
  readonly guid: string;
}
/** A date-only value (`YYYY-MM-DD`, Dataverse "Date only" columns). */
export interface DateOnlyValue {
  readonly dateOnly: string;
}
/** Strings are quoted, numbers and booleans bare, a Date is a DateTimeOffset (ISO 8601, UTC). */
export type ODataValue = string | number | boolean | null | Date | GuidValue | DateOnlyValue;

/** A column, or a lookup column read through its `_<name>_value` property (its value is a GUID). */
export type Column = string | { readonly lookup: string };

export type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type Filter =
  | { readonly op: Comparison; readonly column: Column; readonly value: ODataValue }
  | { readonly op: 'in'; readonly column: Column; readonly values: readonly ODataValue[] }
  | { readonly op: 'and' | 'or'; readonly filters: readonly Filter[] }
  | { readonly op: 'not'; readonly filter: Filter }
  | { readonly op: 'startswith' | 'contains' | 'endswith'; readonly column: Column; readonly value: string };

export interface OrderBy {
  readonly column: Column;
  readonly descending?: boolean;
}

export interface ODataQuery {
  readonly select?: readonly Column[];
  readonly filter?: Filter;
  readonly orderBy?: readonly OrderBy[];
  readonly top?: number;
  /** Related rows read with the same request: single-valued or collection-valued navigations. */
  readonly expand?: readonly ExpandQuery[];
}

/**
 * One `$expand` item. A nested `expand` reads the related row's own related rows in the same request
 * (Dataverse: "Nested $expand on collection-valued navigation properties"; `$orderby` and `$top` are
 * not supported next to it there).
 */
export interface ExpandQuery extends ODataQuery {
  readonly navigation: string;
}

const QUERY_ERROR = 'ODataQueryError';

/** A query that cannot be sent as asked (a non-GUID where a GUID is required, a bad name or number). */
export function odataQueryError(message: string): Error {
  const error = new Error(message);
  error.name = QUERY_ERROR;
  return error;
}

export const isODataQueryError = (error: unknown): boolean =>
  error instanceof Error && error.name === QUERY_ERROR;

/** The bare lower-case GUID of `value`, or an ODataQueryError naming `what` takes one. */
export function requireGuid(value: string, what: string): string {
  const id = normalizeGuid(value);
  if (!id) throw odataQueryError(`${what} takes a GUID, got ${JSON.stringify(value)}`);
  return id;
}

export const lookup = (column: string): Column => ({ lookup: column });
export const guid = (id: string): GuidValue => ({ guid: id });
export const dateOnly = (date: string): DateOnlyValue => ({ dateOnly: date });

/** Filter constructors: `where.and(where.eq(col, 'x'), where.isNull(other))`. */
export const where = {
  eq: (column: Column, value: ODataValue): Filter => ({ op: 'eq', column, value }),
  ne: (column: Column, value: ODataValue): Filter => ({ op: 'ne', column, value }),
  gt: (column: Column, value: ODataValue): Filter => ({ op: 'gt', column, value }),
  ge: (column: Column, value: ODataValue): Filter => ({ op: 'ge', column, value }),
  lt: (column: Column, value: ODataValue): Filter => ({ op: 'lt', column, value }),
  le: (column: Column, value: ODataValue): Filter => ({ op: 'le', column, value }),
  in: (column: Column, values: readonly ODataValue[]): Filter => ({ op: 'in', column, values }),
  isNull: (column: Column): Filter => ({ op: 'eq', column, value: null }),
  isNotNull: (column: Column): Filter => ({ op: 'ne', column, value: null }),
  startsWith: (column: Column, value: string): Filter => ({ op: 'startswith', column, value }),
  contains: (column: Column, value: string): Filter => ({ op: 'contains', column, value }),
  endsWith: (column: Column, value: string): Filter => ({ op: 'endswith', column, value }),
  and: (...filters: Filter[]): Filter => ({ op: 'and', filters }),
  or: (...filters: Filter[]): Filter => ({ op: 'or', filters }),
  not: (filter: Filter): Filter => ({ op: 'not', filter }),
};

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function checkedName(name: string, what: string): string {
  if (!NAME.test(name)) throw odataQueryError(`${what} '${name}' is not a valid OData name`);
  return name;
}

/** `name`, or `_name_value` for a lookup. */
export function columnName(column: Column): string {
  return typeof column === 'string'
    ? checkedName(column, 'Column')
    : `_${checkedName(column.lookup, 'Lookup column')}_value`;
}

const isLookup = (column: Column): boolean => typeof column !== 'string';

/** An OData string literal: the value in single quotes, each quote doubled. */
export const odataStringLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

const guidLiteral = (value: string, column: Column): string => requireGuid(value, columnName(column));

/** One value as OData literal text; a plain string on a lookup column must be a GUID. */
export function valueLiteral(value: ODataValue, column: Column): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw odataQueryError(`${columnName(column)} takes a finite number, got ${value}`);
    return String(value);
  }
  if (typeof value === 'string')
    return isLookup(column) ? guidLiteral(value, column) : odataStringLiteral(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw odataQueryError(`${columnName(column)} got an invalid Date`);
    return value.toISOString();
  }
  if ('guid' in value) return guidLiteral(value.guid, column);
  if (!DATE_ONLY.test(value.dateOnly) || Number.isNaN(Date.parse(value.dateOnly)))
    throw odataQueryError(
      `${columnName(column)} takes a date YYYY-MM-DD, got ${JSON.stringify(value.dateOnly)}`,
    );
  return value.dateOnly;
}

/** Binding strength: a child binding less tightly than its parent is parenthesised. */
const PRECEDENCE = { or: 1, and: 2, not: 3, term: 4 } as const;
const precedenceOf = (filter: Filter): number =>
  filter.op === 'or' || filter.op === 'and' || filter.op === 'not'
    ? PRECEDENCE[filter.op]
    : filter.op === 'in' && filter.values.length > 1
      ? PRECEDENCE.or
      : PRECEDENCE.term;

function nested(filter: Filter, parent: number): string {
  const text = filterText(filter);
  return precedenceOf(filter) < parent ? `(${text})` : text;
}

/** The `$filter` expression (raw OData text, not URL-encoded). */
export function filterText(filter: Filter): string {
  switch (filter.op) {
    case 'and':
    case 'or': {
      if (filter.filters.length === 0) throw odataQueryError(`'${filter.op}' needs at least one filter`);
      return filter.filters.map((f) => nested(f, PRECEDENCE[filter.op])).join(` ${filter.op} `);
    }
    case 'not':
      return `not ${nested(filter.filter, PRECEDENCE.not)}`;
    case 'in': {
      // Spelled as `eq … or …`: understood by every OData service (Dataverse documents no `in` operator).
      if (filter.values.length === 0)
        throw odataQueryError(`'in' on ${columnName(filter.column)} needs at least one value`);
      const name = columnName(filter.column);
      return filter.values.map((v) => `${name} eq ${valueLiteral(v, filter.column)}`).join(' or ');
    }
    case 'startswith':
    case 'contains':
    case 'endswith':
      return `${filter.op}(${columnName(filter.column)},${odataStringLiteral(filter.value)})`;
    default:
      return `${columnName(filter.column)} ${filter.op} ${valueLiteral(filter.value, filter.column)}`;
  }
}

export const orderByText = (orderBy: readonly OrderBy[]): string =>
  orderBy.map((o) => `${columnName(o.column)} ${o.descending ? 'desc' : 'asc'}`).join(',');

function topText(top: number): string {
  if (!Number.isInteger(top) || top < 1)
    throw odataQueryError(`$top takes a positive whole number, got ${top}`);
  return String(top);
}

const unique = (names: string[]): string[] => names.filter((name, i) => names.indexOf(name) === i);

/** The system query options of one level, as [name, raw value] pairs in a fixed order. */
function optionPairs(query: ODataQuery): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (query.select && query.select.length)
    pairs.push(['$select', unique(query.select.map(columnName)).join(',')]);
  if (query.filter) pairs.push(['$filter', filterText(query.filter)]);
  if (query.expand && query.expand.length) {
    const expand = query.expand.map((e) => {
      const inner = { select: e.select, filter: e.filter, expand: e.expand, orderBy: e.orderBy, top: e.top };
      const options = optionPairs(inner).map((pair) => `${pair[0]}=${pair[1]}`);
      const name = checkedName(e.navigation, 'Navigation property');
      return options.length ? `${name}(${options.join(';')})` : name;
    });
    pairs.push(['$expand', expand.join(',')]);
  }
  if (query.orderBy && query.orderBy.length) pairs.push(['$orderby', orderByText(query.orderBy)]);
  if (query.top !== undefined) pairs.push(['$top', topText(query.top)]);
  return pairs;
}

/**
 * `?$select=…&$filter=…&$expand=…&$orderby=…&$top=…`, or '' for no options. Only the characters that
 * would cut a query option short or change its meaning (`%`, `&`, `#`, `+`) are percent-encoded, so
 * the text stays readable; the HTTP layer encodes the rest (spaces, non-ASCII).
 */
export function odataQueryString(query: ODataQuery | undefined): string {
  const pairs = query ? optionPairs(query) : [];
  if (pairs.length === 0) return '';
  const encode = (text: string) =>
    text.replace(/[%&#+]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `?${pairs.map((pair) => `${pair[0]}=${encode(pair[1])}`).join('&')}`;
}
