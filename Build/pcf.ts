/**
 * Builds the PCF control with pcf-scripts (production mode from pcfconfig.json) and fails honestly:
 * pcf-scripts exits 0 even when a task failed, so success means its "[build] Succeeded" line AND the
 * files the solution packer copies from out/controls/PartnerCenterSync/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PcfControl } from '../Domain/constants';

const root = path.resolve(__dirname, '..');
export const controlOutDir = path.join(root, 'out', 'controls', PcfControl.constructorName);
const required = ['ControlManifest.xml', 'bundle.js', 'strings'];

function main(): number {
  const pcfScripts = require.resolve('pcf-scripts/bin/pcf-scripts.js', { paths: [root] });
  const run = spawnSync(process.execPath, [pcfScripts, 'build'], {
    cwd: root,
    encoding: 'utf8',
    // Telemetry off: CI has no network and we do not send usage data anywhere.
    env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  process.stdout.write(output);

  const missing = required.filter((name) => !existsSync(path.join(controlOutDir, name)));
  const resx = existsSync(path.join(controlOutDir, 'strings'))
    ? readdirSync(path.join(controlOutDir, 'strings')).filter((f) => f.endsWith('.resx'))
    : [];
  const problems: string[] = [];
  if (run.error) problems.push(`could not start pcf-scripts: ${run.error.message}`);
  if (run.status !== 0) problems.push(`pcf-scripts exited with ${run.status}`);
  if (!/\[build\] Succeeded/.test(output)) problems.push('pcf-scripts did not report "[build] Succeeded"');
  if (missing.length) problems.push(`missing in ${controlOutDir}: ${missing.join(', ')}`);
  if (resx.length < 3) problems.push(`expected 3 resx files, found ${resx.length}`);
  if (problems.length) {
    console.error(`build:pcf FAILED\n- ${problems.join('\n- ')}`);
    return 1;
  }
  const bytes = statSync(path.join(controlOutDir, 'bundle.js')).size;
  console.log(`build:pcf OK: ${path.relative(root, controlOutDir)}/bundle.js ${bytes} bytes`);
  return 0;
}

process.exitCode = main();
