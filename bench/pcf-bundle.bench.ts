/**
 * Size of the production PCF bundle (React and Fluent are platform libraries, so excluded). Builds with
 * Build/pcf.ts when out/ is missing. Goal: ≤ 40 KB; both raw and gzip bytes are recorded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PcfControl } from '../Domain/constants';

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'controls', PcfControl.constructorName, 'bundle.js');
const GOAL_BYTES = 40 * 1024;

if (!existsSync(bundle)) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'Build', 'pcf.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new Error('Build/pcf.ts failed');
}

const bytes = readFileSync(bundle);
const result = {
  name: 'pcf-bundle',
  buildMode: 'production',
  bundleBytes: bytes.length,
  gzipBytes: gzipSync(bytes, { level: 9 }).length,
  goalBytes: GOAL_BYTES,
  withinGoal: bytes.length <= GOAL_BYTES,
  measuredAt: new Date().toISOString(),
};
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'pcf-bundle.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
