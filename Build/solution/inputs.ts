/** Reads the packer's inputs from disk: the Solution/ tree, the built PCF control and web resources. */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PcfControl } from '../../Domain/constants';
import { webResources as webResourceDefs } from './render/components';
import type { PackInputs, SourceFiles } from './packer';

/** Files under `dir`, keyed by forward-slash relative path, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Solution/ source: every XML/JSON component file (README and other notes are not part of the package). */
export function readSource(solutionDir: string): SourceFiles {
  const files: SourceFiles = new Map();
  for (const rel of listFiles(solutionDir)) {
    if (rel.endsWith('.xml') || rel.endsWith('.json'))
      files.set(rel, readFileSync(join(solutionDir, rel), 'utf8'));
  }
  return files;
}

export interface InputPaths {
  solutionDir: string;
  /** out/controls/PartnerCenterSync (pcf-scripts output). */
  controlDir: string;
  /** out/webresources (web resource bundle output). */
  webResourcesDir: string;
}

/** Where a built web resource lands (Build/webresources writes `opportunityform.js`, `relayauth.js`). */
export const webResourceFileName = (name: string): string => name.split('/').pop() ?? name;

export class MissingBuildOutputError extends Error {}

export function readInputs(paths: InputPaths): PackInputs {
  const manifest = join(paths.controlDir, 'ControlManifest.xml');
  if (!existsSync(manifest)) {
    throw new MissingBuildOutputError(
      `Built PCF control not found: ${manifest} is missing. Run \`npm run build:pcf\` first ` +
        `(npm run build runs build:pcf, build:webresources, build:solution in that order).`,
    );
  }
  const control = new Map<string, Buffer>();
  for (const rel of listFiles(paths.controlDir)) control.set(rel, readFileSync(join(paths.controlDir, rel)));

  const webResources = new Map<string, Buffer>();
  for (const { name } of webResourceDefs) {
    const file = join(paths.webResourcesDir, webResourceFileName(name));
    if (!existsSync(file)) {
      throw new MissingBuildOutputError(
        `Built web resource not found: ${file} is missing (web resource ${name}). Run \`npm run build:webresources\` first.`,
      );
    }
    webResources.set(name, readFileSync(file));
  }
  return { source: readSource(paths.solutionDir), control, webResources };
}

/** Default input locations relative to the repo root. */
export const defaultInputPaths = (repoRoot: string): InputPaths => ({
  solutionDir: join(repoRoot, 'Solution'),
  controlDir: join(repoRoot, 'out', 'controls', PcfControl.constructorName),
  webResourcesDir: join(repoRoot, 'out', 'webresources'),
});
