/** The simulator's README lists every rule it enforces, and every rule it does not, with the same sources. */
import fs from 'node:fs';
import path from 'node:path';
import { NOT_ENFORCED, SIMULATOR_RULES } from '../../../DevStack/simulators/partnercenter/sources';
import { REPO_ROOT } from '../../testkit/paths';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'DevStack/simulators/partnercenter/README.md'), 'utf8');
/** The README table row of a rule id, with markdown escapes undone. */
const row = (id: string) =>
  readme
    .split('\n')
    .find((line) => line.startsWith(`| \`${id}\``))
    ?.replace(/\\\|/g, '|');

it.each(SIMULATOR_RULES.map((r) => [r.id, r] as const))(
  'README lists rule %s with its basis and sources',
  (id, rule) => {
    const line = row(id);
    expect(line).toBeDefined();
    expect(line).toContain(` ${rule.basis} `);
    for (const source of rule.sources) expect(line).toContain(source);
  },
);

it.each(NOT_ENFORCED.map((r) => [r.id, r] as const))('README says why %s is not enforced', (id, rule) => {
  const line = row(id);
  expect(line).toBeDefined();
  for (const source of rule.sources) expect(line).toContain(source);
});

it('every rule cites at least one source, and rule ids are unique', () => {
  expect(SIMULATOR_RULES.every((r) => r.sources.length > 0)).toBe(true);
  const ids = [...SIMULATOR_RULES, ...NOT_ENFORCED].map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
});
