/**
 * Columns added to a table another solution owns (opportunity, lead) are written as a real export
 * writes them: the `<entity>` carries `unmodified="1"` (the table's own metadata is not part of the
 * solution) and lists only the added `<attribute>`s. Without it, our managed solution would claim
 * the whole table definition and layer over its settings. Reference: an unpacked real export
 * (tests/fixtures/SOURCES.md, unpacked/YarSol-deploytest) that adds one column to an existing table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { FIXTURES_DIR } from '../../testkit/paths';
import { SOLUTION_DIR } from './helpers';

interface EntityShell {
  attrs: Record<string, string>;
  columnCount: number;
}

function entityShell(xml: string): EntityShell {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => n === 'attribute',
  });
  const doc = parser.parse(xml) as {
    Entity: {
      EntityInfo: { entity: Record<string, unknown> & { attributes?: { attribute?: unknown[] } | '' } };
    };
  };
  const entity = doc.Entity.EntityInfo.entity;
  const attrs = Object.fromEntries(
    Object.entries(entity).filter(([, v]) => typeof v === 'string') as Array<[string, string]>,
  );
  const columns = typeof entity.attributes === 'object' ? (entity.attributes.attribute ?? []) : [];
  return { attrs, columnCount: columns.length };
}

describe('columns on a table another solution owns', () => {
  const reference = entityShell(
    readFileSync(
      join(FIXTURES_DIR, 'unpacked/YarSol-deploytest/Entities/samar_consultantreferrals/Entity.xml'),
      'utf8',
    ),
  );

  it('the real export marks the table unmodified and carries only the added column', () => {
    expect(reference).toEqual({
      attrs: { Name: 'samar_consultantreferrals', unmodified: '1' },
      columnCount: 1,
    });
  });

  it.each(['Opportunity', 'Lead'])('%s/Entity.xml is written the same way', (table) => {
    const ours = entityShell(readFileSync(join(SOLUTION_DIR, 'Entities', table, 'Entity.xml'), 'utf8'));
    expect(ours.attrs).toEqual({ Name: table, unmodified: '1' });
    expect(ours.columnCount).toBeGreaterThan(0);
  });
});
