import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MAX_JSON_DEPTH } from '../../../Domain';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { DATAVERSE_WEBHOOK_PAYLOADS } from '../../testkit/paths';
import { cosell } from './run';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cosell-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('cosell parse-event on deeply nested input', () => {
  it('names the place the nesting goes too deep, exit 2, instead of overflowing the stack', async () => {
    const body = JSON.parse(
      readFileSync(
        path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-contact-async-postimage.powerapps-docs.json'),
        'utf8',
      ).replace(/^\uFEFF/, ''),
    );
    body.InputParameters[0].value.Attributes = [{ key: 'description', value: 0 }];
    const deep = JSON.stringify(body).replace(
      '"value":0',
      `"value":${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    );
    const file = path.join(dir, 'deep.json');
    writeFileSync(file, deep);
    // Six levels enclose the value: the body, InputParameters, its item, Target, Attributes, the attribute.
    const column = deep.indexOf('[[[[') + MAX_JSON_DEPTH + 1 - 6;
    const result = await cosell('parse-event', file);
    expect(result.err).not.toMatch(/call stack/);
    expect(result).toMatchObject({
      code: 2,
      out: '',
      err: `cosell: ${file}: line 1 column ${column}: nested deeper than ${MAX_JSON_DEPTH} levels\n`,
    });
  });
});

describe('cosell setup with a malformed URL flag', () => {
  it('names the flag, not the environment variable it stands in for', async () => {
    const result = await cosell(
      'setup',
      '--dataverse-url',
      'notaurl',
      '--relay-url',
      'https://relay.example',
    );
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      "cosell setup: --dataverse-url 'notaurl' is not an http(s) URL (e.g. https://contoso.crm.dynamics.com)\n",
    );
    expect(result.err).not.toMatch(/COSELL_DATAVERSE_URL/);
  });

  it('checks --relay-url the same way', async () => {
    const result = await cosell(
      'setup',
      '--dataverse-url',
      'https://contoso.crm.dynamics.com',
      '--relay-url',
      'ftp://relay',
    );
    expect(result).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^cosell setup: --relay-url 'ftp:\/\/relay'/),
    });
  });
});

describe('cosell dead-letters --data-dir', () => {
  it('says no relay database is there, exit 1, and creates nothing', async () => {
    const typo = path.join(dir, '.rleay');
    for (const args of [['list'], ['retry', '--all']]) {
      const result = await cosell('dead-letters', '--data-dir', typo, ...args);
      expect(result).toMatchObject({
        code: 1,
        out: '',
        err: expect.stringMatching(/^cosell dead-letters: no relay database at .*\.rleay.relay\.sqlite/),
      });
    }
    expect(existsSync(typo)).toBe(false);
  });

  it('reads the relay database when it is there', async () => {
    const store = new SqliteStore({ filename: path.join(dir, 'relay.sqlite') });
    await store.close();
    expect(await cosell('dead-letters', '--data-dir', dir, 'list')).toMatchObject({
      code: 0,
      out: 'no dead letters\n',
    });
  });
});
