/**
 * `cosell doctor` as a command: without a usable configuration it stops at the configuration check,
 * ✖ with every problem and the fix, exit 1; --json gives the same as JSON. (The checks themselves run
 * against the simulators in tests/e2e/doctor.)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatResults } from '../../../Relay/doctor/format';
import { REQUIRED_SOLUTION_VERSION, compareVersions } from '../../../Relay/doctor/checks/solution';
import { REPO_ROOT } from '../../testkit/paths';
import { cosell } from './run';

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('COSELL_')) delete process.env[name];
  Object.assign(process.env, saved);
});

const clearCosellEnv = () => {
  for (const name of Object.keys(process.env)) if (name.startsWith('COSELL_')) delete process.env[name];
};

it('without configuration: ✖ Configuration naming each variable, exit 1', async () => {
  clearCosellEnv();
  const result = await cosell('doctor');
  expect(result.code).toBe(1);
  expect(result.out).toMatch(/^✖ Configuration: COSELL_DATAVERSE_URL is not set/);
  expect(result.out).toContain('COSELL_DATAVERSE_WEBHOOK_KEY is not set');
  expect(result.out).toContain(
    '    fix: set the variables named above (docs/configuration.md lists them all)',
  );
  expect(result.out).toMatch(/1 of 1 checks failed\n$/);
});

it('with configuration but nobody signed in: the fix is `cosell login partner-center`; --json says the same', async () => {
  clearCosellEnv();
  Object.assign(process.env, {
    COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
    COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(32),
    COSELL_DATAVERSE_TENANT_ID: 't',
    COSELL_DATAVERSE_CLIENT_ID: 'c',
    COSELL_DATAVERSE_CLIENT_SECRET: 's',
    COSELL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cosell-doctor-')),
  });
  const result = await cosell('doctor', '--json');
  expect(result.code).toBe(1);
  expect(result.json()).toEqual({
    ok: false,
    checks: [
      expect.objectContaining({
        id: 'configuration',
        ok: false,
        detail: expect.stringMatching(
          /nobody signed in to Partner Center: run `cosell login partner-center`/,
        ),
      }),
    ],
  });
});

it('prints ✔ lines and a total when every check passes', () => {
  expect(
    formatResults([
      { id: 'a', title: 'Dataverse answers', ok: true, detail: 'fine' },
      { id: 'b', title: 'Queue', ok: true, detail: '0 queued' },
    ]),
  ).toBe('✔ Dataverse answers: fine\n✔ Queue: 0 queued\nall 2 checks passed\n');
});

it('the solution version the relay requires is never newer than the one it ships', () => {
  const xml = readFileSync(path.join(REPO_ROOT, 'Solution/Other/Solution.xml'), 'utf8');
  const shipped = /<Version>([\d.]+)<\/Version>/.exec(xml)![1]!;
  expect(compareVersions(REQUIRED_SOLUTION_VERSION, shipped)).toBeLessThanOrEqual(0);
  expect(compareVersions('1.10.0.0', '1.9.0.0')).toBe(1);
});
