/** Helpers for the solution tests: packing into a temp dir, reading reference zips. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readInputs } from '../../../Build/solution/inputs';
import { assembleParts, type PackInputs, type Parts } from '../../../Build/solution/packer';
import { readZip } from '../../../Build/solution/unpack';
import { writeBuildFixtures, type FixtureDirs } from './fixtures';
import { REPO_ROOT, SOLUTION_ZIPS } from '../../testkit/paths';

export const SOLUTION_DIR = join(REPO_ROOT, 'Solution');

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
  readZip(readFileSync(join(SOLUTION_ZIPS, name)));
