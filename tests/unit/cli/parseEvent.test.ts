import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PluginEvent } from '../../../Domain';
import { DATAVERSE_WEBHOOK_PAYLOADS } from '../../testkit/paths';
import { cosell } from './run';

/** Values asserted per reference capture; the test fails if a capture is added without an entry here. */
const expected: Record<string, Partial<PluginEvent> & { changed: Record<string, unknown>; images?: object }> =
  {
    'update-account-sync-webhook.json': {
      message: 'Update',
      entity: 'account',
      id: 'ec4e2f7d-9d60-e811-a95a-000d3af24950',
      stage: 40,
      mode: 'synchronous',
      depth: 1,
      initiatingUserId: 'df010dad-f103-4589-ba66-76a5a04c2a11',
      correlationId: '39499111-e689-42a1-ae8a-5b14a84514ce',
      stepName: 'D365WebHookHttpTrigger: Update of account',
      changed: {
        telephone1: '1111',
        modifiedon: '2018-05-31T09:05:24.000Z',
        modifiedby: { logicalName: 'systemuser', id: 'df010dad-f103-4589-ba66-76a5a04c2a11', name: null },
      },
    },
    'update-contact-async-postimage.powerapps-docs.json': {
      message: 'Update',
      entity: 'contact',
      id: '6d81597f-0f9f-e711-8122-000d3aa2331c',
      stage: 40,
      mode: 'asynchronous',
      depth: 1,
      initiatingUserId: '75c2dd85-e89e-e711-8122-000d3aa2331c',
      correlationId: 'b374239d-4233-41a9-8b17-a86cb4f737b5',
      operationCreatedOn: '2017-09-26T00:04:08.000Z',
      changed: { firstname: 'James', fullname: 'James Glynn (sample)' },
      images: { postImages: { AsynchronousStepPrimaryName: { fullname: 'James Glynn (sample)' } } },
    },
    'create-alltypes-async-money-optionset-multiselect.json': {
      message: 'Create',
      entity: 'albxrm_alltypes',
      id: '44bfc2a7-903e-eb11-a813-000d3ad9c2e1',
      stage: 40,
      mode: 'asynchronous',
      depth: 1,
      initiatingUserId: 'a0bde583-0537-eb11-bf68-0022489b563d',
      correlationId: '9d4c7524-a578-4783-b608-73f7b0b68fd2',
      changed: {
        albxrm_currency: 2154.32,
        albxrm_optionset: 257760001,
        albxrm_multiselectoptionset: [257760001, 257760002],
        albxrm_customer: { logicalName: 'account', id: 'ad6b3f4b-1be7-e611-8101-e0071b6af231', name: null },
        createdon: '2020-12-15T04:47:38.000Z',
      },
      images: { postImages: { AsynchronousStepPrimaryName: { albxrm_name: 'Test Betim' } } },
    },
    'update-customactivity-async-preimage-activityparty.json': {
      message: 'Update',
      entity: 'new_customactivity',
      id: '841579d9-7e63-ef11-9e4a-00155d0001ea',
      stage: 40,
      mode: 'asynchronous',
      depth: 1,
      initiatingUserId: '400075a6-19a2-49aa-8fa0-330ba2810540',
      correlationId: '3860c444-0576-4d79-9877-b0ca8e4e9bd4',
      changed: { statecode: 3, statuscode: 4, modifiedon: '2024-08-26T07:43:16.000Z' },
      images: {
        preImages: { Image: { statecode: 0, description: 'asdf', subject: 'This is a subject' } },
        postImages: { AsynchronousStepPrimaryName: { subject: 'This is a subject' } },
      },
    },
  };

describe('cosell parse-event', () => {
  const files = readdirSync(DATAVERSE_WEBHOOK_PAYLOADS).filter((f) => f.endsWith('.json'));

  it('has expectations for every reference capture', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(files)('normalizes %s', async (file) => {
    const { code, err, json } = await cosell('parse-event', path.join(DATAVERSE_WEBHOOK_PAYLOADS, file));
    expect(err).toBe('');
    expect(code).toBe(0);
    const { changed, images, ...top } = expected[file]!;
    const event = json() as PluginEvent;
    expect(event).toMatchObject(top);
    expect(event.changedAttributes).toMatchObject(changed);
    if (images) expect(event).toMatchObject(images);
    // Stable key order: the documented PluginEvent order.
    expect(Object.keys(event).slice(0, 4)).toEqual(['message', 'entity', 'id', 'stage']);
  });

  describe('malformed input: one line, exit code 2', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cosell-parse-event-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    it('names the JSON path of a malformed part', async () => {
      const file = write('mode.json', JSON.stringify({ MessageName: 'Update', Mode: 7 }));
      const result = await cosell('parse-event', file);
      expect(result).toMatchObject({ code: 2, out: '' });
      expect(result.err).toBe(`cosell: ${file}: $.Mode: expected 0 (synchronous) or 1 (asynchronous)\n`);
    });

    it('names line and column of bad JSON', async () => {
      const file = write('bad.json', '{\n  "MessageName": "Update",\n  "Mode": ,\n}');
      const result = await cosell('parse-event', file);
      expect(result.code).toBe(2);
      expect(result.err).toBe(`cosell: ${file}: line 3 column 11: invalid JSON (ValueExpected)\n`);
    });

    it('says when the file cannot be read', async () => {
      const file = path.join(dir, 'missing.json');
      const result = await cosell('parse-event', file);
      expect(result.code).toBe(2);
      expect(result.err).toBe(`cosell: ${file}: $: cannot read the file (ENOENT)\n`);
    });
  });
});
