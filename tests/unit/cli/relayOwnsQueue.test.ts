/**
 * One process owns a SQLite queue. A second `cosell relay` on the same data folder (any port) must
 * refuse with one line and exit 1 before it touches a job: before, it requeued the live relay's
 * running jobs and they ran twice (two referrals for one opportunity).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../testkit/paths';
import { afterTest } from '../../testkit/cleanup';
import { TEST_DATABASE_URL, dropSchema, uniqueSchemaName } from '../../testkit/postgres';

const bin = path.join(REPO_ROOT, 'bin/cosell.js');

const relayEnv = (dataDir: string, extra: Record<string, string> = {}) => ({
  ...extra,
  PATH: process.env.PATH,
  COSELL_PORT: '0',
  COSELL_DATA_DIR: dataDir,
  COSELL_LOG_LEVEL: 'silent',
  // Nothing listens there; the relay needs no call to start when it knows its own user id.
  COSELL_DATAVERSE_URL: 'http://127.0.0.1:9',
  COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(40),
  COSELL_DATAVERSE_INTEGRATION_USER_ID: '00000000-0000-4000-8000-000000000001',
  COSELL_RECONCILE_INTERVAL_SEC: '0',
  COSELL_DATAVERSE_TENANT_ID: '00000000-0000-4000-8000-0000000000aa',
  COSELL_DATAVERSE_CLIENT_ID: '00000000-0000-4000-8000-0000000000bb',
  COSELL_DATAVERSE_CLIENT_SECRET: 'not-a-real-secret',
  COSELL_PC_TENANT_ID: '00000000-0000-4000-8000-0000000000aa',
  COSELL_PC_CLIENT_ID: '00000000-0000-4000-8000-0000000000cc',
  COSELL_PC_REFRESH_TOKEN: 'not-a-real-refresh-token',
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  output: () => { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

function startRelay(dataDir: string, extra: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [bin, 'relay'], {
    cwd: REPO_ROOT,
    env: relayEnv(dataDir, extra),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  afterTest(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Resolves 'listening' or 'exited', whichever comes first. */
const outcome = (run: Run) =>
  new Promise<'listening' | 'exited'>((resolve) => {
    const check = () => {
      if (run.output().stdout.includes('relay listening on')) resolve('listening');
    };
    run.child.stdout.on('data', check);
    void run.exited.then(() => resolve('exited'));
    check();
  });

describe('cosell relay owns its data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cosell-relay-owner-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a second relay on the same data folder refuses with one line and exit 1; the first keeps running', async () => {
    const dataDir = path.join(dir, 'data');
    const first = startRelay(dataDir);
    expect(await outcome(first)).toBe('listening');

    const second = startRelay(dataDir);
    expect(await outcome(second)).toBe('exited');
    expect(await second.exited).toBe(1);
    const lines = second.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/another relay .*owns the queue in .*data/);
    expect(second.output().stdout).toBe('');

    expect(first.child.exitCode).toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // The owner stopped: the folder is free again.
    const third = startRelay(dataDir);
    expect(await outcome(third)).toBe('listening');
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('with a PostgreSQL queue (COSELL_DATABASE_URL), several relays share it', async () => {
    const schema = uniqueSchemaName('relays');
    afterTest(() => dropSchema(schema));
    const shared = { COSELL_DATABASE_URL: TEST_DATABASE_URL, COSELL_DATABASE_SCHEMA: schema };
    // Even on one data folder: it holds no queue then.
    const relays = [startRelay(path.join(dir, 'data'), shared), startRelay(path.join(dir, 'data'), shared)];
    expect(await Promise.all(relays.map(outcome))).toEqual(['listening', 'listening']);
    for (const relay of relays) relay.child.kill('SIGTERM');
    expect(await Promise.all(relays.map((relay) => relay.exited))).toEqual([0, 0]);
  });
});
