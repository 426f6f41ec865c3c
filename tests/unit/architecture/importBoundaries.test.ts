/**
 * The import directions in eslint.config.mjs fire on violating files. ESLint runs once in its own
 * process (its flat config is ESM, which jest's CommonJS runtime cannot load) and lints each case's
 * code under a file name inside the part under test.
 */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../../testkit/paths';

const violations: Array<[file: string, specifier: string, message: RegExp]> = [
  ['Domain/violation.ts', '../Relay/ports', /Domain imports nothing of ours/],
  ['Domain/violation.ts', '../Plugins/handlers', /Domain imports nothing of ours/],
  ['Relay/server/violation.ts', '../../DevStack/simulators/dataverse', /never imports the development stack/],
  [
    'Relay/cli/commands/violation.ts',
    '../../../DevStack/cli/simulate',
    /never imports the development stack/,
  ],
  ['PCFControls/PartnerCenterSync/violation.ts', '../../tests/testkit', /tests\/ or bench\//],
  ['WebResources/OpportunityForm/violation.ts', '../../bench/run', /tests\/ or bench\//],
  ['Plugins/violation.ts', '../Relay/sync/worker', /Domain and the relay ports/],
  ['Plugins/violation.ts', '../Relay/store/sqliteStore', /Domain and the relay ports/],
  ['Relay/sync/violation.ts', '../server/metrics', /sync\/ does not import server\//],
];
const allowed: Array<[file: string, specifier: string]> = [
  ['Plugins/allowed.ts', '../Relay/ports'],
  ['Plugins/allowed.ts', '../Domain/constants'],
  ['Relay/sync/allowed.ts', '../ports'],
  ['Relay/server/allowed.ts', '../sync/worker'],
  ['DevStack/sandbox/allowed.ts', '../../Relay/server/relay'],
  ['tests/unit/allowed.ts', '../../DevStack/simulators/dataverse'],
];

const importOf = (specifier: string) => `import { x } from '${specifier}';\nexport const y = x;\n`;

/** no-restricted-imports messages per case, in order. */
function lintAll(cases: Array<{ file: string; code: string }>): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const { file, code } of cases) {
      const [result] = await eslint.lintText(code, { filePath: file });
      out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`eslint failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[][];
}

describe('import boundaries (eslint no-restricted-imports)', () => {
  const results = lintAll([
    ...violations.map(([file, specifier]) => ({ file, code: importOf(specifier) })),
    ...allowed.map(([file, specifier]) => ({ file, code: importOf(specifier) })),
  ]);

  it.each(violations.map((v, i) => [...v, i] as const))(
    '%s importing %s is an error',
    (_file, _specifier, message, i) => {
      expect(results[i]).toHaveLength(1);
      expect(results[i]![0]).toMatch(message);
    },
  );

  it.each(allowed.map((a, i) => [...a, violations.length + i] as const))(
    '%s importing %s is allowed',
    (_file, _specifier, i) => {
      expect(results[i]).toEqual([]);
    },
  );
});
