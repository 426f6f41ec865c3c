import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_FIELD_MAP } from '../../../Domain';
import { fieldMapJsonSchema } from '../../../Domain/fieldMapJsonSchema';
import { REPO_ROOT } from '../../testkit/paths';

const committed = path.join(REPO_ROOT, 'Domain/fieldmap.schema.json');

describe('Domain/fieldmap.schema.json', () => {
  it('is up to date with the zod schema (regenerate: COSELL_WRITE_SCHEMA=1 npx jest fieldMapSchema)', () => {
    if (process.env.COSELL_WRITE_SCHEMA === '1') {
      writeFileSync(committed, JSON.stringify(fieldMapJsonSchema()));
      // Formatted the way `prettier --check .` (npm run lint) expects it.
      execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/prettier'), ['--write', committed]);
    }
    expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual(fieldMapJsonSchema());
  });

  it('lists every referral path the default map uses and the tables it targets', () => {
    const schema = JSON.parse(readFileSync(committed, 'utf8'));
    const entry = schema.properties.entries.items.properties;
    for (const e of DEFAULT_FIELD_MAP.entries) {
      expect(entry.referral.enum).toContain(e.referral);
      expect(entry.table.enum).toContain(e.table);
      expect(e.column).toMatch(new RegExp(entry.column.pattern));
    }
    expect(schema.properties.entries.items.required).toEqual(['referral', 'table', 'column', 'direction']);
  });
});
