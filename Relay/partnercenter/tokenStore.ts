/**
 * Where `cosell login partner-center` keeps the Referrals-admin sign-in: MSAL's token cache (refresh
 * token included) in one file of the data dir, readable by the relay's OS user only (mode 0600), never
 * logged. The relay's token provider reads and updates it through MSAL's cache plugin, so the refresh
 * token that Entra ID rotates on every use is the one kept.
 *
 * Entra ID refresh tokens expire after 90 days unless used, and each use returns a new one
 * (https://learn.microsoft.com/entra/identity-platform/refresh-tokens#token-lifetime): the expiry is
 * tracked from the moment the stored refresh token changed. (The shorter `refresh_token_expires_in`
 * lifetimes concern single-page apps, and MSAL's serialized cache does not keep it.)
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { Clock, SignInStatus, SignInStatusReader } from '../ports';

export const SIGN_IN_FILE = 'partner-center-sign-in.json';
/** Refresh token lifetime when unused (see above). */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;

/** The app and authority the sign-in belongs to: the relay redeems the token with the same. */
export interface SignInApp {
  tenantId: string;
  clientId: string;
  authority: string;
}

interface StoredSignIn extends SignInApp {
  version: 1;
  username: string;
  signedInAt: string;
  refreshTokenExpiresAt: string;
  /** sha256 prefix of the refresh token: tells a rotated token from the same one. */
  refreshTokenFingerprint: string;
  msalCache: string;
}

export interface SignInStore extends SignInStatusReader {
  readonly file: string;
  /** The app of the stored sign-in; null when nobody signed in. */
  app(): SignInApp | null;
  /**
   * MSAL cache plugin bound to this file; `app` and the account name are recorded on every write. A
   * fresh sign-in starts from an empty cache and replaces the stored one only once it succeeded.
   */
  cachePlugin(app: SignInApp, options?: { freshSignIn?: boolean }): ICachePlugin;
}

const fingerprint = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 16);

/** The refresh token in MSAL's serialized cache (one account per store). */
function refreshTokenOf(serialized: string): string | null {
  const cache = JSON.parse(serialized) as { RefreshToken?: Record<string, { secret?: string }> };
  return Object.values(cache.RefreshToken ?? {}).find((t) => t.secret)?.secret ?? null;
}

function usernameOf(serialized: string): string | null {
  const cache = JSON.parse(serialized) as { Account?: Record<string, { username?: string }> };
  return Object.values(cache.Account ?? {}).find((a) => a.username)?.username ?? null;
}

export function createSignInStore(dataDir: string, clock: Clock = { now: () => new Date() }): SignInStore {
  const file = path.join(dataDir, SIGN_IN_FILE);
  const read = (): StoredSignIn | null =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredSignIn) : null;

  function write(stored: StoredSignIn) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Written whole then renamed: a crash leaves the old file, never half a token.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  }

  return {
    file,
    async read(): Promise<SignInStatus | null> {
      const stored = read();
      if (!stored) return null;
      return {
        username: stored.username,
        signedInAt: new Date(stored.signedInAt),
        expiresAt: new Date(stored.refreshTokenExpiresAt),
      };
    },
    app() {
      const stored = read();
      return stored
        ? { tenantId: stored.tenantId, clientId: stored.clientId, authority: stored.authority }
        : null;
    },
    cachePlugin(app, options = {}) {
      let fresh = options.freshSignIn === true;
      return {
        async beforeCacheAccess(context: TokenCacheContext) {
          const stored = fresh ? null : read();
          if (stored) context.tokenCache.deserialize(stored.msalCache);
        },
        async afterCacheAccess(context: TokenCacheContext) {
          if (!context.cacheHasChanged) return;
          const serialized = context.tokenCache.serialize();
          const token = refreshTokenOf(serialized);
          if (!token) return;
          const previous = fresh ? null : read();
          fresh = false;
          const now = clock.now();
          const print = fingerprint(token);
          const rotated = previous?.refreshTokenFingerprint !== print;
          const expiresAt = rotated
            ? new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_MS)
            : new Date(previous.refreshTokenExpiresAt);
          write({
            version: 1,
            ...app,
            username: usernameOf(serialized) ?? previous?.username ?? 'unknown',
            signedInAt:
              previous && previous.clientId === app.clientId ? previous.signedInAt : now.toISOString(),
            refreshTokenExpiresAt: expiresAt.toISOString(),
            refreshTokenFingerprint: print,
            msalCache: serialized,
          });
        },
      };
    },
  };
}
