import { Writable } from 'node:stream';
import { createDevIssuer } from '../../../Relay/auth/devIssuer';
import { createJwtVerifier } from '../../../Relay/auth/tokens';
import { ConfigError, isLoopbackHost, loadConfig } from '../../../Relay/config/config';
import { createLogger } from '../../../Relay/logging/logger';
import { buildRelayServer } from '../../../Relay/server/app';
import type { RelayServerDeps } from '../../../Relay/server/app';
import { createMetrics } from '../../../Relay/server/metrics';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { createSyncTestbed } from '../../testkit/syncTestbed';

const valid = {
  COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
  COSELL_DATAVERSE_WEBHOOK_KEY: 'x'.repeat(32),
  COSELL_SANDBOX: 'true',
};

describe('sandbox mode start-up guard', () => {
  it('starts on a loopback address', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(loadConfig({ ...valid, COSELL_HOST: host }).sandbox).toBe(true);
    }
  });

  it('refuses to start bound to a wildcard or a routable address', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.4', 'relay.contoso.com', '128.0.0.1', '::2']) {
      expect(() => loadConfig({ ...valid, COSELL_HOST: host })).toThrow(
        new RegExp(`COSELL_SANDBOX=true needs COSELL_HOST to be a loopback address .*not ${host}`),
      );
    }
    // Not in sandbox mode, any address is the operator's choice.
    expect(loadConfig({ ...valid, COSELL_SANDBOX: 'false', COSELL_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('refuses to start when an identity provider is also configured, naming the variables', () => {
    expect.assertions(3);
    try {
      loadConfig({
        ...valid,
        COSELL_AUTH_ISSUER: 'https://login.microsoftonline.com/t/v2.0',
        COSELL_AUTH_AUDIENCE: 'api://relay',
        COSELL_AUTH_JWKS_URI: 'https://login.microsoftonline.com/t/discovery/v2.0/keys',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(1);
      expect((error as ConfigError).message).toMatch(
        /COSELL_SANDBOX=true cannot be combined with COSELL_AUTH_ISSUER, COSELL_AUTH_AUDIENCE, COSELL_AUTH_JWKS_URI/,
      );
    }
  });

  it('refuses a single COSELL_AUTH_* variable as well', () => {
    expect(() => loadConfig({ ...valid, COSELL_AUTH_AUDIENCE: 'api://relay' })).toThrow(
      /cannot be combined with COSELL_AUTH_AUDIENCE:/,
    );
  });

  it('knows loopback from the rest', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('0:0:0:0:0:0:0:1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('localhost.contoso.com')).toBe(false);
  });
});

describe('sandbox mode warning', () => {
  async function startServer(withDevIssuer: boolean): Promise<string> {
    let lines = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines += String(chunk);
        done();
      },
    });
    const store = new SqliteStore({ filename: ':memory:' });
    const issuer = await createDevIssuer({
      issuer: 'http://127.0.0.1/cosell-sandbox',
      audience: 'api://relay',
      roles: [],
    });
    const deps: RelayServerDeps = {
      store,
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      logger: createLogger({ level: 'info', destination }),
      metrics: createMetrics(store),
      dataverseWebhook: { key: 'k'.repeat(40), header: null },
      integrationUserId: null,
      partnerCenterVerifier: {
        verify: async () => ({ ok: false, status: 401, reason: 'bad-signature', message: 'no' }),
      },
      tokens: createJwtVerifier(issuer),
      permissions: {
        canReadOpportunity: async () => 'allowed',
        canActOnOpportunity: async () => 'allowed',
      },
      sync: createSyncTestbed().deps,
      adminRole: 'CoSell.Admin',
      devIssuer: withDevIssuer ? issuer : null,
    };
    const app = await buildRelayServer(deps);
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
    } finally {
      await app.close();
      await store.close();
    }
    return lines;
  }

  it('logs a warning at start when the development issuer is on, and only then', async () => {
    const sandbox = (await startServer(true)).split('\n').filter((l) => l.includes('SANDBOX MODE'));
    expect(sandbox).toHaveLength(1);
    expect(JSON.parse(sandbox[0]!)).toMatchObject({ level: 'warn', devTokenPath: '/dev/token' });
    expect(await startServer(false)).not.toContain('SANDBOX MODE');
  });
});
