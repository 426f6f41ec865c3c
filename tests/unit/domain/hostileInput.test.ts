import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  excessNestingAt,
  MAX_JSON_DEPTH,
  parseRemoteExecutionContext,
  referralIdFromResourceUri,
  ValidationError,
} from '../../../Domain';
import { DATAVERSE_WEBHOOK_PAYLOADS } from '../../testkit/paths';

const OPP = '6d81597f-0f9f-e711-8122-000d3aa2331c';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const documented = (): Record<string, any> =>
  JSON.parse(
    readFileSync(
      path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-contact-async-postimage.powerapps-docs.json'),
      'utf8',
    ).replace(/^\uFEFF/, ''),
  );

describe('JSON nesting limit', () => {
  it('finds the bracket that goes one level too deep, in text and in bytes', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(excessNestingAt(deep)).toBe(MAX_JSON_DEPTH);
    expect(excessNestingAt(Buffer.from(deep))).toBe(MAX_JSON_DEPTH);
    expect(excessNestingAt(deep.slice(1, -1))).toBe(-1);
    expect(excessNestingAt('{"a":{"b":[1]}}', 3)).toBe(-1);
    expect(excessNestingAt('{"a":{"b":[1]}}', 2)).toBe(10);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(excessNestingAt(JSON.stringify({ a: '[[[[{{{{\\"[[[' }), 1)).toBe(-1);
    expect(excessNestingAt(Buffer.from(JSON.stringify({ 'é"[': '[["é' })), 1)).toBe(-1);
  });

  it('leaves every documented payload well within the limit', () => {
    for (const file of [
      'update-customactivity-async-preimage-activityparty.json',
      'update-contact-async-postimage.powerapps-docs.json',
    ]) {
      expect(excessNestingAt(readFileSync(path.join(DATAVERSE_WEBHOOK_PAYLOADS, file)))).toBe(-1);
    }
  });
});

describe('RemoteExecutionContext from a hostile sender', () => {
  it('keeps an attribute named __proto__ as an attribute; the map keeps no prototype to replace', () => {
    const body = documented();
    body.InputParameters[0].value.Attributes = [
      { key: '__proto__', value: 'x' },
      { key: 'constructor', value: 1 },
      { key: 'firstname', value: 'Ada' },
    ];
    body.PostEntityImages = [{ key: '__proto__', value: { Attributes: [] } }];
    const event = parseRemoteExecutionContext(JSON.parse(JSON.stringify(body)));
    expect(Object.getPrototypeOf(event.changedAttributes)).toBeNull();
    expect(Object.keys(event.changedAttributes)).toEqual(['__proto__', 'constructor', 'firstname']);
    expect(event.changedAttributes['__proto__']).toBe('x');
    expect(Object.keys(event.postImages)).toEqual(['__proto__']);
    expect(event.inputParameters['constructor']).toBeUndefined();
  });

  it('refuses a record id that is not a GUID, before it can reach a URL', () => {
    const body = documented();
    body.PrimaryEntityId = '1)/../../systemusers(1';
    expect(() => parseRemoteExecutionContext(body)).toThrow(
      new ValidationError('$.PrimaryEntityId', 'expected a GUID'),
    );
  });

  it('refuses an EntityReference whose Id is not a GUID', () => {
    const body = documented();
    body.InputParameters[0].value.Attributes = [
      {
        key: 'parentaccountid',
        value: {
          __type: 'EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts',
          Id: "x' or 1",
          LogicalName: 'account',
        },
      },
    ];
    expect(() => parseRemoteExecutionContext(body)).toThrow(
      /^\$\.InputParameters\[0\]\.value\.Attributes\[0\]\.value\.Id: expected a GUID/,
    );
  });

  it('gives record ids in their bare lower-case form', () => {
    const body = documented();
    body.PrimaryEntityId = OPP.toUpperCase();
    expect(parseRemoteExecutionContext(body).id).toBe(OPP);
  });
});

describe('referral id of a ResourceUri', () => {
  it.each([
    ['a bad %-escape', 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/%E0%A4%A'],
    ['a lone %', 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/%'],
    ['a non-GUID id', 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/abc-1'],
    ['an encoded path', 'https://x/referrals/..%2F..%2Fwebhooks'],
    ['no segment', 'https://api.partnercenter.microsoft.com/'],
  ])('is null for %s', (_label, uri) => {
    expect(referralIdFromResourceUri(uri)).toBeNull();
  });
});
