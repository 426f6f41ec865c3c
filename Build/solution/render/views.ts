/** Saved queries (views) in the element order of the sample export; unpacked as `SavedQueries/{id}.xml`. */
import { XSI_NS, el, leaf, type XmlNode } from '../xml';
import type { Labels } from '../model/labels';
import { INTRODUCED_VERSION, braced, descriptions, localizedNames } from './common';

/** querytype values: 0 public, 1 advanced find, 2 associated, 4 quick find, 64 lookup. */
export type QueryType = 0 | 1 | 2 | 4 | 64;

export interface Condition {
  attribute: string;
  operator: 'eq' | 'like' | 'not-null' | 'next-seven-days';
  value?: string | number;
}

export interface ViewDef {
  id: string;
  table: string;
  primaryKey: string;
  queryType: QueryType;
  isDefault: boolean;
  name: Labels;
  description?: Labels;
  /** Grid columns (first is the jump column) and their widths. */
  columns: [string, number][];
  order?: { attribute: string; descending: boolean };
  conditions: Condition[];
  /** Quick find: columns searched with `like {0}`. */
  quickFindColumns?: string[];
}

const condition = (c: Condition) =>
  el('condition', {
    attribute: c.attribute,
    operator: c.operator,
    value: c.value === undefined ? undefined : String(c.value),
  });

export function renderViewNode(v: ViewDef): XmlNode {
  // Associated/lookup grids are named after the table; the others are "resultset" (sample export).
  const perTable = v.queryType === 2 || v.queryType === 64;
  const grid = el(
    'grid',
    {
      name: perTable ? `${v.table}s` : 'resultset',
      jump: v.columns[0]![0],
      select: 1,
      icon: 1,
      preview: v.queryType === 64 ? 0 : 1,
    },
    [
      el(
        'row',
        { name: perTable ? v.table : 'result', id: v.primaryKey },
        v.columns.map(([name, width]) => el('cell', { name, width })),
      ),
    ],
  );
  const fetch = el('fetch', { version: '1.0', mapping: 'logical' }, [
    el('entity', { name: v.table }, [
      el('attribute', { name: v.primaryKey }),
      ...v.columns.map(([name]) => el('attribute', { name })),
      v.order && el('order', { attribute: v.order.attribute, descending: String(v.order.descending) }),
      v.conditions.length > 0 && el('filter', { type: 'and' }, v.conditions.map(condition)),
      v.quickFindColumns &&
        el(
          'filter',
          { type: 'or', isquickfindfields: 1 },
          v.quickFindColumns.map((attribute) => condition({ attribute, operator: 'like', value: '{0}' })),
        ),
    ]),
  ]);
  return el('savedquery', [
    leaf('IsCustomizable', 1),
    leaf('CanBeDeleted', v.isDefault ? 0 : 1),
    leaf('isquickfindquery', v.queryType === 4 ? 1 : 0),
    leaf('isprivate', 0),
    leaf('isdefault', v.isDefault ? 1 : 0),
    leaf('savedqueryid', braced(v.id)),
    el('layoutxml', [grid]),
    leaf('querytype', v.queryType),
    el('fetchxml', [fetch]),
    leaf('IntroducedVersion', INTRODUCED_VERSION),
    localizedNames(v.name),
    v.description && descriptions(v.description),
  ]);
}

/** The unpacked file: `<savedqueries><savedquery>…</savedquery></savedqueries>`. */
export const renderViewFile = (v: ViewDef): XmlNode => el('savedqueries', XSI_NS, [renderViewNode(v)]);
