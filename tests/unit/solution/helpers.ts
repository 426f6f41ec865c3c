/** Shared helpers for the solution tests: paths, packing into a temp dir, reading reference zips. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readInputs } from '../../../Build/solution/inputs';
import { assembleParts, type PackInputs, type Parts } from '../../../Build/solution/packer';
import { readZip } from '../../../Build/solution/unpack';
import { writeBuildFixtures, type FixtureDirs } from './fixtures';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const SOLUTION_DIR = join(REPO_ROOT, 'Solution');
/** shared/ sits beside the repo (CI clones it there); never an absolute /work path. */
export const SHARED = resolve(REPO_ROOT, '../shared');
export const SCHEMA_DIR = join(SHARED, 'reference/schemas/libxml2');
export const REFERENCE_ZIPS = join(SHARED, 'reference/solutions');

export interface Packed {
  fixtures: FixtureDirs;
  inputs: PackInputs;
  unmanaged: Parts;
  managed: Parts;
}

export function packFromFixtures(manifest?: string): Packed {
  const fixtures = writeBuildFixtures(manifest);
  const inputs = readInputs({
    solutionDir: SOLUTION_DIR,
    controlDir: fixtures.controlDir,
    webResourcesDir: fixtures.webResourcesDir,
  });
  return { fixtures, inputs, unmanaged: assembleParts(inputs, 0), managed: assembleParts(inputs, 1) };
}

export const referenceZip = (name: string): Promise<Map<string, Buffer>> =>
  readZip(readFileSync(join(REFERENCE_ZIPS, name)));
