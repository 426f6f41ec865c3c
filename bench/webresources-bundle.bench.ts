/**
 * Size of the form library every opportunity form load downloads and parses: bytes raw and gzipped,
 * and the largest inputs (so a dependency creeping in shows up in the committed result).
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { WEBRESOURCE_ENTRY, buildWebResources } from '../Build/webresources';

async function main(): Promise<void> {
  const { bytes, outfile } = await buildWebResources();
  const gzipBytes = gzipSync(readFileSync(outfile)).byteLength;

  // Same options as the real build, with a metafile to attribute bytes to inputs.
  const analysed = await build({
    entryPoints: [WEBRESOURCE_ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2017',
    minify: true,
    write: false,
    metafile: true,
  });
  const inputs = Object.values(analysed.metafile.outputs)[0]!.inputs;
  const byInput = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const key = file.includes('node_modules/')
      ? file.split('node_modules/')[1]!.split('/').slice(0, 2).join('/')
      : file;
    byInput.set(key, (byInput.get(key) ?? 0) + bytesInOutput);
  }
  const largestInputs = Object.fromEntries([...byInput].sort((a, b) => b[1] - a[1]).slice(0, 8));

  const result = {
    bench: 'webresources-bundle',
    file: 'out/webresources/opportunityform.js',
    bytes,
    gzipBytes,
    largestInputs,
    measuredAt: new Date().toISOString(),
    node: process.version,
  };
  const resultsDir = path.join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, 'webresources-bundle.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`webresources-bundle: ${bytes} bytes, ${gzipBytes} gzipped`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
