/** The Dataverse webhook verifier on real RemoteExecutionContext captures (one starts with a BOM). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createDataverseWebhookVerifier,
  secretsEqual,
  type DataverseWebhookDelivery,
} from '../../../Relay/dataverse/webhookVerification';
import { DATAVERSE_WEBHOOK_PAYLOADS } from '../../testkit/paths';

const KEY = 'k'.repeat(40);
const withBom = readFileSync(path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-account-sync-webhook.json'));
const plain = readFileSync(
  path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-contact-async-postimage.powerapps-docs.json'),
);
const json = { 'content-type': 'application/json; charset=utf-8' };

const delivery = (over: Partial<DataverseWebhookDelivery> = {}): DataverseWebhookDelivery => ({
  headers: json,
  query: { code: KEY },
  body: plain,
  ...over,
});

describe('Dataverse webhook verifier (key in the code query parameter)', () => {
  const verifier = createDataverseWebhookVerifier({ key: KEY, header: null });

  it('accepts a real RemoteExecutionContext, with or without the leading UTF-8 BOM', () => {
    expect(withBom.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const account = verifier.verify(delivery({ body: withBom }));
    expect(account).toMatchObject({ ok: true, event: { message: 'Update', entity: 'account' } });
    expect(verifier.verify(delivery())).toMatchObject({ ok: true, event: { entity: 'contact' } });
  });

  it('refuses, in order, with the precise status: content type, key, JSON, shape', () => {
    const refused = (over: Partial<DataverseWebhookDelivery>) => {
      const result = verifier.verify(delivery(over));
      return result.ok ? null : [result.status, result.reason];
    };
    // The content type is checked first, the key before the body is parsed.
    expect(refused({ headers: { 'content-type': 'text/plain' }, query: {} })).toEqual([
      415,
      'unsupportedMediaType',
    ]);
    expect(refused({ headers: {} })).toEqual([415, 'unsupportedMediaType']);
    expect(refused({ query: {}, body: Buffer.from('{nope') })).toEqual([401, 'missingKey']);
    expect(refused({ query: { code: '' } })).toEqual([401, 'missingKey']);
    expect(refused({ query: { code: [KEY, KEY] } })).toEqual([401, 'missingKey']);
    expect(refused({ query: { code: 'wrong' }, body: Buffer.from('{nope') })).toEqual([401, 'invalidKey']);
    expect(refused({ body: Buffer.from('{nope') })).toEqual([400, 'invalidJson']);
    expect(refused({ body: Buffer.from('{"MessageName": 5}') })).toEqual([400, 'invalidExecutionContext']);
  });

  it('says where the key was expected and never repeats the key presented', () => {
    const missing = verifier.verify(delivery({ query: {} }));
    expect(missing).toMatchObject({ message: 'The webhook key is missing from the code query parameter.' });
    const wrong = verifier.verify(delivery({ query: { code: 'presented-secret' } }));
    expect(JSON.stringify(wrong)).not.toContain('presented-secret');
  });
});

describe('Dataverse webhook verifier (key in a header)', () => {
  const verifier = createDataverseWebhookVerifier({ key: KEY, header: 'X-CoSell-Key' });

  it('reads the configured header (Node lower-cases header names), not the query', () => {
    expect(verifier.verify(delivery({ headers: { ...json, 'x-cosell-key': KEY }, query: {} }))).toMatchObject(
      {
        ok: true,
      },
    );
    expect(verifier.verify(delivery())).toMatchObject({
      ok: false,
      reason: 'missingKey',
      message: 'The webhook key is missing from the X-CoSell-Key header.',
    });
  });
});

it('compares secrets of any length without throwing', () => {
  expect(secretsEqual(KEY, KEY)).toBe(true);
  expect(secretsEqual('short', KEY)).toBe(false);
  expect(secretsEqual('', KEY)).toBe(false);
});
