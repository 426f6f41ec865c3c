/** The built control the e2e tests run against; builds it once (Build/pcf.ts) when a fresh clone has none. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PcfControl } from '../../../Domain';

export const repoRoot = path.resolve(__dirname, '../../..');
export const builtControlDir = path.join(repoRoot, 'out', 'controls', PcfControl.constructorName);

export function ensureBuiltControl(): string {
  if (!existsSync(path.join(builtControlDir, 'bundle.js'))) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'Build', 'pcf.ts')], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`Build/pcf.ts failed:\n${run.stdout}\n${run.stderr}`);
  }
  return builtControlDir;
}
