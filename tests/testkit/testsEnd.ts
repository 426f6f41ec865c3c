/**
 * Checks that test runs end after failures: runs jest with failures injected (./injectFailure.ts) and
 * --detectOpenHandles, and reports any file whose run did not end by itself or left a handle open.
 *
 *   npx tsx tests/testkit/testsEnd.ts [--mode expect|beforeAll|beforeEach]... [jest path patterns]
 *
 * Each test file runs in its own jest process (in band, as jest does for a single file), so a leak is
 * attributed to the file that caused it. Without --mode, all three modes run. Exit code 1 on any leak.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

const MODES = ['expect', 'beforeAll', 'beforeEach'] as const;
type Mode = (typeof MODES)[number];
/** Once jest printed its summary, the process must end within this; after it, it hangs on a handle. */
const EXIT_AFTER_SUMMARY_MS = 30_000;
/** A run that never reaches its summary (a hook or test waiting forever) also counts as hung. */
const MAX_RUN_MS = 10 * 60_000;
const LEAK_SIGNS = ['Jest did not exit', 'failed to exit gracefully'];
/**
 * Handle types --detectOpenHandles may list that hold nothing open: generateKeyPairSync creates a
 * KEYPAIRGENREQUEST wrap whose destroy hook only fires once it is garbage-collected, which jest's
 * check (100 ms after the run) can miss when a failing file ends quickly.
 */
const NOT_HANDLES = new Set(['KEYPAIRGENREQUEST']);

/** Types of the handles --detectOpenHandles listed ("●  TCPSERVERWRAP" lines after its header). */
function openHandles(out: string): string[] {
  const at = out.indexOf('Jest has detected the following');
  if (at < 0) return [];
  return [...out.slice(at).matchAll(/^\s*●\s+([A-Za-z_]+)\s*$/gm)].map((m) => m[1]!);
}

interface Outcome {
  file: string;
  mode: Mode;
  exitCode: number | null;
  hung: boolean;
  leaks: string[];
  log: string;
}

function parseArgs(argv: string[]): { modes: Mode[]; patterns: string[] } {
  const modes: Mode[] = [];
  const patterns: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--mode') {
      const mode = argv[(i += 1)] as Mode;
      if (!MODES.includes(mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}`);
      modes.push(mode);
    } else patterns.push(argv[i]!);
  }
  return { modes: modes.length ? modes : [...MODES], patterns };
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; hung: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/jest/bin/jest.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    let out = '';
    let hung = false;
    const kill = () => {
      hung = true;
      child.kill('SIGKILL');
    };
    let timer = setTimeout(kill, MAX_RUN_MS);
    const collect = (chunk: Buffer) => {
      const before = out.includes('Ran all test suites');
      out += chunk.toString();
      if (!before && out.includes('Ran all test suites')) {
        clearTimeout(timer);
        timer = setTimeout(kill, EXIT_AFTER_SUMMARY_MS);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, hung });
    });
  });
}

async function listFiles(patterns: string[]): Promise<string[]> {
  const { out } = await run(['--listTests', ...patterns], {});
  return out
    .split('\n')
    .filter((line) => line.startsWith(REPO_ROOT))
    .map((file) => path.relative(REPO_ROOT, file))
    .sort();
}

async function main(): Promise<void> {
  const { modes, patterns } = parseArgs(process.argv.slice(2));
  const files = await listFiles(patterns);
  const logDir = path.join(REPO_ROOT, 'test-results', 'tests-end');
  mkdirSync(logDir, { recursive: true });
  const outcomes: Outcome[] = [];
  for (const mode of modes) {
    for (const file of files) {
      const { code, out, hung } = await run(['--ci', '--detectOpenHandles', file], {
        TESTKIT_INJECT_FAILURE: mode,
      });
      const leaks = [
        ...LEAK_SIGNS.filter((sign) => out.includes(sign)),
        ...openHandles(out).filter((type) => !NOT_HANDLES.has(type)),
      ];
      const log = path.join(logDir, `${mode}--${file.replace(/[\\/]/g, '_')}.log`);
      writeFileSync(log, out);
      const outcome = { file, mode, exitCode: code, hung, leaks, log };
      outcomes.push(outcome);
      const verdict = hung ? 'HUNG' : leaks.length ? `LEAK (${leaks.join('; ')})` : 'ended';
      console.log(`${mode.padEnd(10)} ${file}: ${verdict}, exit ${code}`);
    }
  }
  const bad = outcomes.filter((o) => o.hung || o.leaks.length > 0);
  console.log(
    `\n${outcomes.length} runs, ${bad.length} did not end cleanly; logs in ${path.relative(REPO_ROOT, logDir)}/`,
  );
  process.exitCode = bad.length ? 1 : 0;
}

void main();
