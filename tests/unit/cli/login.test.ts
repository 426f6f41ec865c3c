/**
 * `cosell login partner-center` as a real process against the local authority: it shows Microsoft's
 * instruction with the code, the person signs in, and it says who signed in and until when, without
 * ever printing a token. The process trusts the authority's certificate through NODE_EXTRA_CA_CERTS.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SIGN_IN_FILE } from '../../../Relay/partnercenter';
import { FAKE_ACCOUNT, startFakeAuthority } from '../../testkit/fakeAuthority';
import { REPO_ROOT } from '../../testkit/paths';
import '../../testkit/cleanup';
import { cosell } from './run';

const bin = path.join(REPO_ROOT, 'bin/cosell.js');

it('signs the Referrals admin in with a device code and stores the sign-in in the data dir (0600)', async () => {
  const authority = await startFakeAuthority({ pollIntervalSec: 0 });
  const dir = mkdtempSync(path.join(tmpdir(), 'cosell-login-'));
  const caFile = path.join(dir, 'authority.pem');
  writeFileSync(caFile, authority.certificatePem);
  const dataDir = path.join(dir, 'data');
  const child = spawn(
    process.execPath,
    [bin, 'login', 'partner-center', '--authority', authority.authority, '--timeout', '60'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: caFile,
        COSELL_PC_TENANT_ID: authority.tenantId,
        COSELL_PC_CLIENT_ID: '0f8fad5b-d9cb-469f-a165-70867728950e',
        COSELL_DATA_DIR: dataDir,
      },
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // The person reads the code on the terminal and signs in on the verification page.
      const code = /enter the code (\S+)/.exec(out)?.[1];
      if (code && !out.includes('Signed in')) {
        authority.approve(code);
        resolve();
      }
    }),
  );
  expect(await exited).toBe(0);
  expect(err).toBe('');
  expect(out).toMatch(/https:\/\/microsoft\.com\/devicelogin/);
  expect(out).toContain(`Signed in to Partner Center as ${FAKE_ACCOUNT.username}`);
  expect(out).toMatch(/expires on \d{4}-\d{2}-\d{2}/);
  const file = path.join(dataDir, SIGN_IN_FILE);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const { msalCache } = JSON.parse(readFileSync(file, 'utf8')) as { msalCache: string };
  const refreshToken = Object.values(
    (JSON.parse(msalCache) as { RefreshToken: Record<string, { secret: string }> }).RefreshToken,
  )[0]!.secret;
  expect(out).not.toContain(refreshToken);
  // A real process (tsx start-up included) on a shared machine: not a timing assertion, only room.
}, 120_000);

it('names the missing tenant and app instead of starting a sign-in', async () => {
  const saved = { tenant: process.env.COSELL_PC_TENANT_ID, client: process.env.COSELL_PC_CLIENT_ID };
  delete process.env.COSELL_PC_TENANT_ID;
  delete process.env.COSELL_PC_CLIENT_ID;
  try {
    const result = await cosell('login', 'partner-center');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /--tenant-id \(or COSELL_PC_TENANT_ID\) and --client-id \(or COSELL_PC_CLIENT_ID\)/,
    );
  } finally {
    if (saved.tenant !== undefined) process.env.COSELL_PC_TENANT_ID = saved.tenant;
    if (saved.client !== undefined) process.env.COSELL_PC_CLIENT_ID = saved.client;
  }
});
