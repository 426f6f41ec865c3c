/**
 * The production tree of the relay: what the container image copies and `npm ci --omit=dev`
 * installs. Only the code `cosell` runs in production — the CLI entry, the relay and the two parts it
 * imports (Domain/, Plugins/) — plus package.json and the lockfile, so the install is exactly the
 * locked production dependencies. The development stack, tests, bench, the PCF control, web resources
 * and the solution sources stay out: `cosell relay` must work without them.
 *
 * `npm run build:relay-tree [-- <dir>]` writes it to dist/relay (or <dir>), replacing what was there.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..');

/** Repository paths copied as they are. */
export const RELAY_TREE_PATHS = [
  'package.json',
  'package-lock.json',
  'bin',
  'Relay',
  'Domain',
  'Plugins',
] as const;

export const DEFAULT_RELAY_TREE_DIR = path.join(REPO_ROOT, 'dist', 'relay');

// Tests and notes next to the code are not needed to run it.
const shipped = (source: string) => !/\.test\.tsx?$/.test(source) && !source.endsWith('.md');

export function buildRelayTree(target: string = DEFAULT_RELAY_TREE_DIR, root: string = REPO_ROOT): string {
  rmSync(target, { recursive: true, force: true });
  for (const entry of RELAY_TREE_PATHS) {
    const source = path.join(root, entry);
    if (!existsSync(source))
      throw new Error(`${entry} is missing from ${root}: not a clone of the repository?`);
    cpSync(source, path.join(target, entry), { recursive: true, filter: shipped });
  }
  return target;
}

if (require.main === module) {
  const target = path.resolve(process.argv[2] ?? DEFAULT_RELAY_TREE_DIR);
  buildRelayTree(target);
  console.log(`relay production tree in ${path.relative(process.cwd(), target) || '.'}`);
}
