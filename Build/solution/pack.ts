/**
 * `npm run build:solution`: packs Solution/ + the built PCF control + the built form script into
 * dist/PartnerCenterCoSell_<version>.zip (unmanaged) and …_managed.zip. Entry point only: reads
 * inputs, delegates to packer.ts, runs the fast structural checks, writes the zips.
 *
 * Options (all optional): --solution <dir> --control <dir> --webresources <dir> --out <dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { SOLUTION_UNIQUE_NAME } from '../../Domain/constants';
import { checkPackage } from './checks';
import { REPO_ROOT, generateSolutionFiles, readVersion } from './generate';
import { defaultInputPaths, readInputs, type InputPaths } from './inputs';
import { assembleParts, solutionVersion, zipFileName, zipParts } from './packer';

export interface PackResult {
  version: string;
  unmanaged: { path: string; bytes: number };
  managed: { path: string; bytes: number };
}

export async function packSolution(paths: InputPaths, outDir: string): Promise<PackResult> {
  const inputs = readInputs(paths);
  const version = solutionVersion(inputs.source);
  const result: Partial<PackResult> = { version };
  mkdirSync(outDir, { recursive: true });
  for (const managed of [0, 1] as const) {
    const parts = assembleParts(inputs, managed);
    const problems = checkPackage(parts);
    if (problems.length > 0) {
      throw new Error(`solution package failed its structural checks:\n- ${problems.join('\n- ')}`);
    }
    const zip = await zipParts(parts);
    const path = join(outDir, zipFileName(SOLUTION_UNIQUE_NAME, version, managed === 1));
    writeFileSync(path, zip);
    result[managed === 1 ? 'managed' : 'unmanaged'] = { path, bytes: zip.length };
  }
  return result as PackResult;
}

/** Stale source (constants changed without regeneration) is reported here and fails the unit tests. */
function warnIfStale(solutionDir: string, source: Map<string, string>): void {
  const expected = generateSolutionFiles(readVersion(solutionDir));
  const stale = [...expected].filter(([p, text]) => source.get(p) !== text).map(([p]) => p);
  if (stale.length > 0) {
    console.warn(
      `warning: Solution/ is out of date with the model (${stale.length} files, e.g. ${stale[0]}); ` +
        'run `npx tsx Build/solution/generate.ts`.',
    );
  }
}

async function main(): Promise<void> {
  const defaults = defaultInputPaths(REPO_ROOT);
  const opts = new Command()
    .option('--solution <dir>', 'unpacked solution source', defaults.solutionDir)
    .option('--control <dir>', 'built PCF control folder', defaults.controlDir)
    .option('--webresources <dir>', 'built web resources folder', defaults.webResourcesDir)
    .option('--out <dir>', 'output folder', join(REPO_ROOT, 'dist'))
    .parse()
    .opts<{ solution: string; control: string; webresources: string; out: string }>();
  const paths = { solutionDir: opts.solution, controlDir: opts.control, webResourcesDir: opts.webresources };
  warnIfStale(paths.solutionDir, readInputs(paths).source);
  const r = await packSolution(paths, opts.out);
  console.log(`${SOLUTION_UNIQUE_NAME} ${r.version}`);
  console.log(`  ${r.unmanaged.path} (${r.unmanaged.bytes} bytes)`);
  console.log(`  ${r.managed.path} (${r.managed.bytes} bytes)`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`build:solution failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
