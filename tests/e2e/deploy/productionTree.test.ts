/**
 * The production tree (npm run build:relay-tree), installed as the image installs it — `npm ci
 * --omit=dev`, here offline from the npm cache — runs `cosell relay` with the Dockerfile's entry point
 * against the simulators started from the repository (sandbox mode: their tokens instead of an Entra
 * ID sign-in), is set up by the installed `cosell setup`, passes the Dockerfile's health check and
 * stops cleanly. That proves production dependencies suffice and no development module is needed.
 *
 * The one install script among production dependencies that builds anything is better-sqlite3's
 * native build (checked below from the lockfile). Compiling it takes minutes on a shared machine, so the install skips
 * scripts and takes the binary this checkout already built for the same Node ABI; the image's
 * dependency stage builds it for real.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildRelayTree, RELAY_TREE_PATHS } from '../../../Build/relayTree';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { startPartnerCenterSimulator } from '../../../DevStack/simulators/partnercenter/server';
import { WebhookPaths } from '../../../Domain/relayApi';
import { findManagedZip } from '../../../DevStack/sandbox/stack';
import { afterTest, closeAfterAll } from '../../testkit/cleanup';
import { REPO_ROOT } from '../../testkit/paths';
import { readContainerImage } from './containerImage';

jest.setTimeout(300_000);

const image = readContainerImage();
const NATIVE_BINDING = path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const WEBHOOK_KEY = 'k'.repeat(48);

/** Runs a child without blocking the event loop (the simulators it talks to live in this process). */
function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface LockPackage {
  dev?: boolean;
  hasInstallScript?: boolean;
}

let tree: string;

beforeAll(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'cosell-relay-tree-'));
  closeAfterAll(() => rmSync(tree, { recursive: true, force: true }));
  buildRelayTree(tree);
  const install = spawnSync(
    'npm',
    ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: tree, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (install.status !== 0) throw new Error(`npm ci --omit=dev --offline failed:\n${install.stderr}`);
  mkdirSync(path.dirname(path.join(tree, NATIVE_BINDING)), { recursive: true });
  copyFileSync(path.join(REPO_ROOT, NATIVE_BINDING), path.join(tree, NATIVE_BINDING));
});

describe('the relay production tree', () => {
  it('holds the relay and its production dependencies, nothing of the development stack', () => {
    expect(
      ['DevStack', 'tests', 'bench', 'PCFControls', 'WebResources', 'Solution', 'Build'].filter((dir) =>
        existsSync(path.join(tree, dir)),
      ),
    ).toEqual([]);
    for (const entry of RELAY_TREE_PATHS) expect(existsSync(path.join(tree, entry))).toBe(true);
    for (const devPackage of ['jest', 'typescript', 'eslint', 'pcf-scripts', 'react'])
      expect(existsSync(path.join(tree, 'node_modules', devPackage))).toBe(false);
    const lock = JSON.parse(readFileSync(path.join(tree, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockPackage>;
    };
    const productionScripts = Object.entries(lock.packages)
      .filter(([name, p]) => name && !p.dev && p.hasInstallScript)
      .map(([name]) => name);
    // esbuild's (under tsx) only checks that its platform package, an optional dependency, is there.
    expect(productionScripts).toEqual([
      'node_modules/better-sqlite3',
      'node_modules/tsx/node_modules/esbuild',
    ]);
  });

  it('runs cosell relay from the image entry point against the simulators, set up by cosell setup from the tree', async () => {
    const dataverse = await startDataverseSimulator({ port: 0 });
    afterTest(() => dataverse.close());
    const partnerCenter = await startPartnerCenterSimulator({ port: 0 });
    afterTest(() => partnerCenter.close());
    const dataDir = path.join(tree, 'data');
    mkdirSync(dataDir);

    const [command, ...entryArgs] = [...image.entrypoint, ...image.cmd];
    const env = {
      PATH: process.env.PATH,
      ...image.env,
      // Loopback and a temporary data dir instead of the container's 0.0.0.0 and /data.
      COSELL_HOST: '127.0.0.1',
      COSELL_PORT: '0',
      COSELL_DATA_DIR: dataDir,
      COSELL_LOG_LEVEL: 'error',
      // Sandbox mode: the simulators' unsigned tokens instead of an Entra ID sign-in (Relay/server/clients.ts).
      COSELL_SANDBOX: 'true',
      COSELL_DATAVERSE_URL: dataverse.url,
      COSELL_DATAVERSE_WEBHOOK_KEY: WEBHOOK_KEY,
      COSELL_PC_BASE_URL: partnerCenter.url,
      COSELL_PC_WEBHOOK_BASE_URL: partnerCenter.url,
      COSELL_PC_CERT_HOSTS: new URL(partnerCenter.certificateUrl).host,
      COSELL_RECONCILE_INTERVAL_SEC: '0',
    };
    expect(command).toBe('node');
    const child = spawn(process.execPath, entryArgs, { cwd: tree, env, stdio: ['ignore', 'pipe', 'pipe'] });
    afterTest(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const address = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /relay listening on (\S+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`relay exited before listening: ${stderr}`)));
    });
    const port = new URL(address).port;
    const healthcheck = () =>
      spawnSync(process.execPath, image.healthcheck.slice(1), {
        env: { PATH: process.env.PATH, COSELL_PORT: port },
        encoding: 'utf8',
      }).status;
    expect(image.healthcheck[0]).toBe('node');
    expect(healthcheck()).toBe(0);

    // The installed setup imports the solution, registers both webhooks, and Partner Center's signed
    // test event reaches the installed relay.
    const setup = await run(
      process.execPath,
      [
        'bin/cosell.js',
        'setup',
        '--dataverse-url',
        dataverse.url,
        '--relay-url',
        address,
        '--solution',
        findManagedZip(),
      ],
      { cwd: tree, env },
    );
    expect(setup.stderr).toBe('');
    expect(setup.stdout).toMatch(/test event delivered/);
    expect(setup.code).toBe(0);
    const rejected = await fetch(`${address}${WebhookPaths.dataverse}?code=wrong`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rejected.status).toBe(401);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(healthcheck()).toBe(1);
  });

  it('prints its configuration and says the development stack is not installed', () => {
    const cosell = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/cosell.js', ...args], {
        cwd: tree,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
          COSELL_DATAVERSE_WEBHOOK_KEY: WEBHOOK_KEY,
        },
      });
    const printed = cosell('relay', '--print-config');
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain('COSELL_DATAVERSE_WEBHOOK_KEY=********  # set');
    expect(printed.stdout).not.toContain(WEBHOOK_KEY);
    const simulate = cosell('simulate', 'dataverse');
    expect(simulate.status).toBe(1);
    expect(simulate.stderr).toMatch(/development stack \(DevStack\/\) is not part of this installation/);
  });
});
