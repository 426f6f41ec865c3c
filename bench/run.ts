/**
 * Runs every `bench/*.bench.ts` in its own process (so one benchmark's heap does not skew another's)
 * and leaves their results in `bench/results/<name>.json`. Committed results are the record.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const benchDir = __dirname;
const only = process.argv[2];
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.startsWith(only));

let failed = 0;
for (const file of files) {
  console.log(`bench: ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(benchDir, file)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed += 1;
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
