/**
 * A fresh sandbox starts without an error in its log: the worker and the start-up reconciliation
 * begin only after `cosell setup` has imported the solution. Before, the relay reconciled as soon as
 * it listened and logged "reconciliation failed" (404: the tables did not exist yet).
 */
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createLogger } from '../../../Relay/logging/logger';
import { startLocalStack, type LocalStack } from '../../../DevStack/sandbox/stack';
import { DIST_DIR } from '../../testkit/paths';

jest.setTimeout(120_000);

(existsSync(DIST_DIR) ? describe : describe.skip)('a fresh sandbox start', () => {
  let stack: LocalStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  });

  it('logs no error: reconciliation runs after setup has imported the solution', async () => {
    const lines: Array<{ level: string; msg: string }> = [];
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    stack = await startLocalStack({
      runWorker: true,
      logger: createLogger({ level: 'warn', destination: capture }),
    });
    await stack.settle();
    expect(
      lines.filter((line) => line.level === 'error' || line.level === 'fatal').map((line) => line.msg),
    ).toEqual([]);
  });
});
