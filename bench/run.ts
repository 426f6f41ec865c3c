/**
 * `npm run bench [name…]`: runs the benchmarks registered below, each in its own process (so one
 * benchmark's heap does not skew another's). Each leaves `bench/results/<name>.json` and its charts
 * (`bench/report.ts`, `bench/svgChart.ts`); committed results are the record (bench/README.md).
 * A new benchmark is one line in BENCHES.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

interface Bench {
  /** What `npm run bench <name>` selects (a prefix selects every match). */
  name: string;
  file: string;
}

const BENCHES: Bench[] = [
  { name: 'ingest', file: 'ingest.bench.ts' },
  { name: 'sync-throughput', file: 'sync-throughput.bench.ts' },
  { name: 'pcf-bundle', file: 'pcf-bundle.bench.ts' },
  { name: 'pcf-render', file: 'pcf-render.bench.ts' },
  { name: 'webresources-bundle', file: 'webresources-bundle.bench.ts' },
  { name: 'reconciliation', file: 'reconciliation.bench.ts' },
  { name: 'calls', file: 'calls.bench.ts' },
  { name: 'backfill', file: 'backfill.bench.ts' },
];

const benchDir = __dirname;
const unregistered = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !BENCHES.some((b) => b.file === f));
if (unregistered.length) {
  console.error(`bench: not registered in bench/run.ts (add a line to BENCHES): ${unregistered.join(', ')}`);
  process.exit(1);
}

const wanted = process.argv.slice(2);
const selected = BENCHES.filter((b) => !wanted.length || wanted.some((w) => b.name.startsWith(w)));
if (!selected.length) {
  console.error(
    `bench: nothing matches ${wanted.join(' ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
  );
  process.exit(1);
}

let failed = 0;
for (const bench of selected) {
  console.log(`bench: ${bench.name}`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', path.join(benchDir, bench.file)],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) failed += 1;
}
console.log(`${selected.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
