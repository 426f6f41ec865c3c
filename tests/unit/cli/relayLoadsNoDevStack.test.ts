/**
 * `cosell relay` is production code: run as a real process, it must load no module of the
 * development stack (simulators, sandbox, demo). `cosell simulate` still finds it, lazily.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../testkit/paths';
import { afterTest } from '../../testkit/cleanup';

const bin = path.join(REPO_ROOT, 'bin/cosell.js');
const recorder = path.join(REPO_ROOT, 'tests/testkit/recordLoadedModules.cjs');

describe('cosell relay and the development stack', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cosell-relay-modules-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts, serves and stops without loading a DevStack module', async () => {
    const record = path.join(dir, 'modules.txt');
    const child = spawn(process.execPath, ['-r', recorder, bin, 'relay'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        RECORD_LOADED_MODULES: record,
        COSELL_PORT: '0',
        COSELL_DATA_DIR: path.join(dir, 'data'),
        COSELL_LOG_LEVEL: 'silent',
        // Nothing listens there; the relay needs no call to start when it knows its own user id.
        COSELL_DATAVERSE_URL: 'http://127.0.0.1:9',
        COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(40),
        COSELL_DATAVERSE_INTEGRATION_USER_ID: '00000000-0000-4000-8000-000000000001',
        COSELL_RECONCILE_INTERVAL_SEC: '0',
        // Credentials are only used on the first outbound call, which this test never makes.
        COSELL_DATAVERSE_TENANT_ID: '00000000-0000-4000-8000-0000000000aa',
        COSELL_DATAVERSE_CLIENT_ID: '00000000-0000-4000-8000-0000000000bb',
        COSELL_DATAVERSE_CLIENT_SECRET: 'not-a-real-secret',
        COSELL_PC_TENANT_ID: '00000000-0000-4000-8000-0000000000aa',
        COSELL_PC_CLIENT_ID: '00000000-0000-4000-8000-0000000000cc',
        COSELL_PC_REFRESH_TOKEN: 'not-a-real-refresh-token',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    afterTest(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('relay listening on')) resolve();
      });
      child.once('exit', () => reject(new Error(`relay exited before listening: ${stderr}`)));
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const loaded = readFileSync(record, 'utf8').split('\n');
    expect(loaded.some((file) => file.includes(`${path.sep}Relay${path.sep}server${path.sep}`))).toBe(true);
    expect(loaded.filter((file) => file.startsWith(path.join(REPO_ROOT, 'DevStack')))).toEqual([]);
  });

  it('cosell simulate loads the development stack when asked', () => {
    const result = spawnSync(process.execPath, [bin, 'simulate', '--help'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/dataverse/);
    expect(result.stdout).toMatch(/partner-center/);
  });
});
