/**
 * Size of what the PartnerCenterSync control costs a browser: the production `bundle.js` every form
 * load downloads (React and Fluent are platform libraries, so excluded), and the relay library
 * `relayauth.js` (relay client and MSAL) that only a seller pressing a relay button downloads.
 * Raw and gzip bytes of each, the goal (bundle.js ≤ 40 KB) and whether it is met, and an estimate of
 * which inputs the bundle's bytes come from.
 *
 * Run after the builds: `npm run build:pcf && npm run build:webresources && npx tsx bench/pcf-bundle.bench.ts`
 * (builds what is missing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PcfControl } from '../Domain/constants';
import { REPO_ROOT } from '../tests/testkit/paths';

const controlEntry = path.join(REPO_ROOT, 'PCFControls', PcfControl.constructorName, 'index.ts');
const files = {
  bundle: path.join(REPO_ROOT, 'out', 'controls', PcfControl.constructorName, 'bundle.js'),
  relayAuth: path.join(REPO_ROOT, 'out', 'webresources', 'relayauth.js'),
};
const GOAL_BYTES = 40 * 1024;

function ensureBuilt(file: string, script: string): void {
  if (existsSync(file)) return;
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'Build', script)], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0 || !existsSync(file)) throw new Error(`Build/${script} did not produce ${file}`);
}

function sizes(file: string): { file: string; bytes: number; gzipBytes: number } {
  const bytes = readFileSync(file);
  return {
    file: path.relative(REPO_ROOT, file),
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
  };
}

/** The browser targets pcfconfig.json gives pcf-scripts' Babel, as esbuild targets (`chrome109`…). */
function esbuildTargets(): string[] {
  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'pcfconfig.json'), 'utf8')) as {
    targets?: Record<string, string>;
  };
  return Object.entries(config.targets ?? {}).map(([browser, version]) => `${browser}${version}`);
}

/**
 * Where the bytes come from. pcf-scripts allows no custom webpack config (no stats, no source map in
 * production), so the same entry is bundled by esbuild with the same externals and browser targets,
 * and attributed per input. The difference to the real size is webpack + terser against esbuild's
 * minifier (terser drops unused object properties esbuild keeps).
 */
async function inputsEstimate(realBytes: number) {
  const result = await build({
    entryPoints: [controlEntry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: esbuildTargets(),
    jsx: 'transform',
    minify: true,
    write: false,
    metafile: true,
    external: ['react', 'react-dom', '@fluentui/react'],
    logLevel: 'error',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const byInput = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const inPackage = file.split('node_modules/')[1];
    const key = inPackage
      ? inPackage
          .split('/')
          .slice(0, inPackage.startsWith('@') ? 2 : 1)
          .join('/')
      : file.split('/').slice(0, 2).join('/');
    byInput.set(key, (byInput.get(key) ?? 0) + bytesInOutput);
  }
  return {
    method: 'esbuild, same entry, externals and browser targets, minified',
    esbuildBytes: output.bytes,
    realMinusEstimateBytes: realBytes - output.bytes,
    largestInputs: Object.fromEntries([...byInput].sort((a, b) => b[1] - a[1]).slice(0, 12)),
  };
}

async function main(): Promise<void> {
  ensureBuilt(files.bundle, 'pcf.ts');
  ensureBuilt(files.relayAuth, 'webresources.ts');
  const bundle = sizes(files.bundle);
  const result = {
    name: 'pcf-bundle',
    buildMode: 'production',
    bundle,
    relayAuth: {
      ...sizes(files.relayAuth),
      loadedWhen:
        'first relay call (relay client and MSAL; MSAL starts only when pcs_RelayClientId is not "sandbox")',
    },
    goal: {
      bundleBytes: GOAL_BYTES,
      met: bundle.bytes <= GOAL_BYTES,
      overByBytes: Math.max(0, bundle.bytes - GOAL_BYTES),
    },
    bundleInputs: await inputsEstimate(bundle.bytes),
    measuredAt: new Date().toISOString(),
    node: process.version,
  };
  mkdirSync(path.join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path.join(REPO_ROOT, 'bench', 'results', 'pcf-bundle.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
