/**
 * docker-compose.ha.yml (images cannot be pulled here, so its claims are checked on the file as
 * Compose reads it): PostgreSQL, two relays of the same image on one PostgreSQL URL, and a proxy
 * whose configuration file forwards the public paths to both.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../../testkit/paths';
import { readCompose } from './containerImage';

describe('docker-compose.ha.yml', () => {
  const compose = readCompose(path.join(REPO_ROOT, 'docker-compose.ha.yml'));
  const relays = Object.entries(compose.services).filter(([name]) => name.startsWith('relay-'));

  it('runs two relays of the image on one PostgreSQL database, started once it is ready', () => {
    expect(relays).toHaveLength(2);
    const raw = parseYaml(readFileSync(path.join(REPO_ROOT, 'docker-compose.ha.yml'), 'utf8')) as {
      services: Record<string, { depends_on?: Record<string, { condition: string }>; image?: string }>;
    };
    for (const [name, relay] of relays) {
      expect(relay.build).toBe('.');
      expect(relay.env_file).toBe('.env');
      expect(relay.environment?.COSELL_DATABASE_URL).toMatch(
        /^postgres:\/\/cosell:\$\{COSELL_POSTGRES_PASSWORD[^}]*\}@postgres:5432\/cosell$/,
      );
      expect(raw.services[name]!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
      // Not published: reached through the proxy only.
      expect(relay.ports).toBeUndefined();
    }
    expect(raw.services.postgres!.image).toMatch(/^postgres:\d+/);
  });

  it('puts a proxy in front that forwards /webhooks and /api to both relays, with health checks', () => {
    const proxy = compose.services.proxy!;
    const mount = (proxy.volumes ?? []).find((v) => v.endsWith(':/etc/caddy/Caddyfile:ro'))!;
    const caddyfile = readFileSync(path.join(REPO_ROOT, mount.split(':')[0]!), 'utf8');
    expect(caddyfile).toMatch(/@public path \/webhooks\/\* \/api\/\*/);
    expect(caddyfile).toMatch(/reverse_proxy @public relay-1:7071 relay-2:7071/);
    expect(caddyfile).toMatch(/health_uri \/healthz/);
  });
});
