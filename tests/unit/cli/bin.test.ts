import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DATAVERSE_WEBHOOK_PAYLOADS, REPO_ROOT } from '../../testkit/paths';

const bin = path.join(REPO_ROOT, 'bin/cosell.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

describe('bin/cosell.js', () => {
  it('runs parse-event as a real process and prints the event', () => {
    const result = run(
      'parse-event',
      path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-account-sync-webhook.json'),
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      message: 'Update',
      entity: 'account',
      mode: 'synchronous',
    });
  });

  it('exits 2 with one stderr line and no stack trace on bad input', () => {
    const result = run('preview', 'referral', 'no-such-file.json');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('cosell: no-such-file.json: $: cannot read the file (ENOENT)\n');
  });
});
