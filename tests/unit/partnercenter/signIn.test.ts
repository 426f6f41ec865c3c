/**
 * `cosell login partner-center`'s device-code sign-in and the relay's use of the stored sign-in,
 * against a local stand-in for Entra ID (tests/testkit/fakeAuthority.ts) through real MSAL.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createSignedInTokenProvider,
  createSignInStore,
  deviceCodeSignIn,
  REFRESH_TOKEN_LIFETIME_MS,
  SIGN_IN_FILE,
} from '../../../Relay/partnercenter';
import { loadConfig } from '../../../Relay/config/config';
import { ApiError } from '../../../Relay/ports';
import { createClients } from '../../../Relay/server/clients';
import { FakeClock } from '../../testkit/clock';
import { FAKE_ACCOUNT, startFakeAuthority } from '../../testkit/fakeAuthority';
import type { FakeAuthority } from '../../testkit/fakeAuthority';
import '../../testkit/cleanup';

const CLIENT_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const DAY = 24 * 3600 * 1000;

let authority: FakeAuthority;
beforeAll(async () => {
  authority = await startFakeAuthority({ pollIntervalSec: 0 });
});

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'cosell-sign-in-'));

/** The person reads the code, the CLI polls once (pending), then the person signs in. */
async function signIn(dataDir: string, clock: FakeClock) {
  const store = createSignInStore(dataDir, clock);
  const shown: string[] = [];
  const result = await deviceCodeSignIn({
    tenantId: authority.tenantId,
    clientId: CLIENT_ID,
    authority: authority.authority,
    store,
    networkClient: authority.networkClient,
    showCode(message) {
      shown.push(message);
      const code = /enter the code (\S+)/.exec(message)![1]!;
      void authority.nextPoll().then(() => authority.approve(code));
    },
  });
  return { store, shown, result };
}

it('signs in with a device code and stores the refresh token, readable by its owner only, with its expiry', async () => {
  const clock = new FakeClock('2026-03-01T12:00:00Z');
  const dir = freshDir();
  const { store, shown, result } = await signIn(dir, clock);

  expect(shown[0]).toMatch(/open the page https:\/\/microsoft\.com\/devicelogin and enter the code/);
  expect(result.username).toBe(FAKE_ACCOUNT.username);
  expect(authority.grants.filter((g) => g.endsWith('device_code')).length).toBeGreaterThanOrEqual(2);
  expect(statSync(store.file).mode & 0o777).toBe(0o600);
  expect(readFileSync(store.file, 'utf8')).toContain('fake-rt.');
  const status = await store.read();
  expect(status).toEqual({
    username: FAKE_ACCOUNT.username,
    signedInAt: clock.now(),
    expiresAt: new Date(clock.now().getTime() + REFRESH_TOKEN_LIFETIME_MS),
  });
  expect(store.app()).toEqual({
    tenantId: authority.tenantId,
    clientId: CLIENT_ID,
    authority: authority.authority,
  });
});

it('the relay redeems the stored sign-in for both audiences and keeps the rotated refresh token, renewing the expiry', async () => {
  const clock = new FakeClock('2026-03-01T12:00:00Z');
  const dir = freshDir();
  const { store } = await signIn(dir, clock);
  const before = JSON.parse(readFileSync(store.file, 'utf8')) as { refreshTokenFingerprint: string };

  clock.advance(30 * DAY);
  const provider = createSignedInTokenProvider({ store, clock, networkClient: authority.networkClient });
  // The webhooks audience is not in the cache: MSAL redeems the refresh token, which Entra rotates.
  const token = await provider.getToken('webhooks');
  expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).aud).toBe(
    'https://api.partnercenter.microsoft.com',
  );
  expect(authority.grants.at(-1)).toBe('refresh_token');
  const after = JSON.parse(readFileSync(store.file, 'utf8')) as { refreshTokenFingerprint: string };
  expect(after.refreshTokenFingerprint).not.toBe(before.refreshTokenFingerprint);
  expect((await store.read())!.expiresAt).toEqual(
    new Date(clock.now().getTime() + REFRESH_TOKEN_LIFETIME_MS),
  );
  expect((await store.read())!.signedInAt).toEqual(new Date('2026-03-01T12:00:00Z'));
  expect(statSync(store.file).mode & 0o777).toBe(0o600);
});

it('a revoked sign-in fails with the fix: sign in again', async () => {
  const clock = new FakeClock();
  const { store } = await signIn(freshDir(), clock);
  authority.revokeRefreshTokens();
  const provider = createSignedInTokenProvider({ store, clock, networkClient: authority.networkClient });
  const error = await provider.getToken('webhooks').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).message).toMatch(/AADSTS700082.*Sign in again/);
  expect((error as ApiError).message).not.toContain('fake-rt.');
});

it('without a stored sign-in the provider says to run cosell login partner-center', () => {
  expect(() => createSignedInTokenProvider({ store: createSignInStore(freshDir()) })).toThrow(
    /cosell login partner-center/,
  );
});

describe('the relay picks its Partner Center credentials', () => {
  const env = (dataDir: string, extra: Record<string, string> = {}) =>
    loadConfig({
      COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
      COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(32),
      COSELL_DATAVERSE_TENANT_ID: 't',
      COSELL_DATAVERSE_CLIENT_ID: 'c',
      COSELL_DATAVERSE_CLIENT_SECRET: 's',
      COSELL_DATA_DIR: dataDir,
      ...extra,
    });

  it('uses the sign-in `cosell login partner-center` stored in the data dir', async () => {
    const dir = freshDir();
    await signIn(dir, new FakeClock());
    const clients = createClients(env(dir));
    expect(clients.signIn?.file).toBe(path.join(dir, SIGN_IN_FILE));
  });

  it('without a stored sign-in or COSELL_PC_REFRESH_TOKEN it says to sign in', () => {
    expect(() => createClients(env(freshDir()))).toThrow(/run `cosell login partner-center`/);
  });

  it('COSELL_PC_REFRESH_TOKEN still works (no stored sign-in to track)', () => {
    const clients = createClients(
      env(freshDir(), { COSELL_PC_TENANT_ID: 't', COSELL_PC_CLIENT_ID: 'c', COSELL_PC_REFRESH_TOKEN: 'r' }),
    );
    expect(clients.signIn).toBeNull();
  });
});
