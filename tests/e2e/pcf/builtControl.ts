/** The built control the e2e tests run against; builds it once (Build/pcf.ts) when a fresh clone has none. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PcfControl } from '../../../Domain';
import { OUT_DIR, REPO_ROOT } from '../../testkit/paths';

export const builtControlDir = path.join(OUT_DIR, 'controls', PcfControl.constructorName);

export function ensureBuiltControl(): string {
  if (!existsSync(path.join(builtControlDir, 'bundle.js'))) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'Build', 'pcf.ts')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`Build/pcf.ts failed:\n${run.stdout}\n${run.stderr}`);
  }
  return builtControlDir;
}
