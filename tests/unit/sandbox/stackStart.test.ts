/**
 * A local stack whose start fails half-way (here: `cosell setup` cannot read the solution zip) closes
 * the simulators and the relay it had already started: run in its own process, the failed start must
 * let that process end by itself, as a failing test setup must let jest end.
 */
import { spawn } from 'node:child_process';
import { afterTest } from '../../testkit/cleanup';
import { REPO_ROOT } from '../../testkit/paths';

const FAILING_START = `require('./DevStack/sandbox/stack')
  .startLocalStack({ solutionZip: Buffer.from('not a zip') })
  .then(() => process.exit(2), (error) => console.log('rejected: ' + error.message));`;

it('closes what it started when setup fails, so the process ends', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', FAILING_START], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  afterTest(() => child.exitCode === null && child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(output).toContain('rejected: ');
  expect(code).toBe(0);
});
