/**
 * The container image's claims, checked on the Dockerfile as Docker parses it: multi-stage, only the
 * production tree from the build context, production dependencies only, a non-root user, the data
 * directory as a volume and a health check on /healthz. docker-compose.yml runs it with its volume.
 */
import type { Copy } from 'dockerfile-ast';
import { RELAY_TREE_PATHS } from '../../../Build/relayTree';
import { readCompose, readContainerImage, readDockerignore } from './containerImage';

const image = readContainerImage();
const runs = (stage: { instructions: { getKeyword(): string; getArgumentsContent(): string | null }[] }) =>
  stage.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');

describe('Dockerfile', () => {
  it('builds in stages and the runtime stage only copies from the dependency stage', () => {
    expect(image.stages.length).toBeGreaterThanOrEqual(2);
    const dependencyStage = image.stages[0]!.name;
    expect(image.copiedFromStages).toEqual([dependencyStage]);
    const runtimeCopies = image.runtime.instructions.filter((i) => i.getKeyword() === 'COPY');
    expect(runtimeCopies.every((copy) => Boolean((copy as Copy).getFromFlag()))).toBe(true);
  });

  it('takes only the production tree from the build context', () => {
    expect(image.contextCopies.length).toBeGreaterThan(0);
    for (const source of image.contextCopies) expect(source).toMatch(/^dist\/relay\//);
    // The build context itself is only the tree (an allow-list), without a local node_modules.
    expect(readDockerignore()).toEqual(['*', '!dist/relay/', 'dist/relay/node_modules/']);
    expect(RELAY_TREE_PATHS).not.toContain('DevStack');
    expect(RELAY_TREE_PATHS).not.toContain('tests');
  });

  it('installs production dependencies only, from the lockfile', () => {
    const installs = image.stages.flatMap(runs).filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/\bnpm ci --omit=dev\b/);
    expect(runs(image.runtime).join('\n')).not.toMatch(/\bnpm\b/);
  });

  it('runs as a non-root user with the data directory as a volume', () => {
    expect(image.user).toBeTruthy();
    expect(['root', '0']).not.toContain(image.user!.split(':')[0]);
    expect(image.env.COSELL_DATA_DIR).toBe('/data');
    expect(image.volumes).toEqual([image.env.COSELL_DATA_DIR]);
    expect(runs(image.runtime).join('\n')).toMatch(
      new RegExp(`chown ${image.user}(:\\S+)? ${image.env.COSELL_DATA_DIR}`),
    );
  });

  it('listens on all interfaces of the container and checks its health on /healthz', () => {
    expect(image.env.COSELL_HOST).toBe('0.0.0.0');
    expect(image.healthcheck.join(' ')).toContain('/healthz');
    expect(image.entrypoint).toEqual(['node', 'bin/cosell.js']);
    expect(image.cmd).toEqual(['relay']);
  });
});

describe('docker-compose.yml', () => {
  it('runs the image with its data volume and settings from .env', () => {
    const compose = readCompose();
    const relay = compose.services.relay!;
    expect(relay.build).toBe('.');
    expect(relay.env_file).toBe('.env');
    expect(relay.environment?.COSELL_DATA_DIR).toBe(image.env.COSELL_DATA_DIR);
    expect(relay.volumes).toEqual([`relay-data:${image.env.COSELL_DATA_DIR}`]);
    expect(Object.keys(compose.volumes ?? {})).toContain('relay-data');
    // Reached only through the TLS proxy in front of it.
    expect(relay.ports).toEqual([`127.0.0.1:${image.env.COSELL_PORT}:${image.env.COSELL_PORT}`]);
  });
});
