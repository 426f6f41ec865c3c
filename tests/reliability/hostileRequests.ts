/**
 * Hostile webhook requests for the fuzz run: malformed, oversized, deeply nested, wrongly keyed and
 * wrongly signed bodies on both webhook routes, plus correctly authenticated bodies whose content is
 * bad (ids that are not GUIDs, `__proto__` attribute names, bad %-escapes). None of them may queue a
 * job or get a 5xx. Drawn from a seeded generator, so every run sends the same requests.
 */
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { buildRemoteExecutionContext } from '../../DevStack/simulators/dataverse/remoteExecutionContext';
import { seededRandom as seeded } from '../../DevStack/simulators/seededRandom';

export interface HostileRequest {
  category: string;
  route: 'dataverse' | 'partnerCenter';
  /** Query string appended to the route (the Dataverse key travels as `?code=`). */
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface HostileContext {
  webhookKey: string;
  /** Partner Center simulator's signing key and certificate URL (the real signer's). */
  signingKeyPem: string;
  certificateUrl: string;
  /** The relay's own origin (a certificate URL on the right host but the wrong port). */
  relayOrigin: string;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** A Dataverse Update of an opportunity as the async step posts it (shape of the simulator's bodies). */
function opportunityContext(id: string, attributes: Array<{ key: string; value: unknown }>) {
  const now = new Date();
  return buildRemoteExecutionContext({
    messageName: 'Update',
    stage: 40,
    mode: 1,
    depth: 1,
    primaryEntityName: 'opportunity',
    primaryEntityId: id,
    inputParameters: [
      {
        key: 'Target',
        value: {
          __type: 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts',
          Attributes: [{ key: 'opportunityid', value: id }, ...attributes],
          EntityState: null,
          FormattedValues: [],
          Id: id,
          KeyAttributes: [],
          LogicalName: 'opportunity',
          RelatedEntities: [],
          RowVersion: null,
        },
      },
    ],
    outputParameters: [],
    preEntityImages: [],
    postEntityImages: [],
    sharedVariables: [],
    initiatingUserId: randomUUID(),
    initiatingUserAadObjectId: null,
    userId: randomUUID(),
    userAadObjectId: null,
    businessUnitId: randomUUID(),
    organizationId: randomUUID(),
    organizationName: 'reliability',
    correlationId: randomUUID(),
    operationId: randomUUID(),
    requestId: null,
    operationCreatedOn: now,
    owningExtension: { id: randomUUID(), name: 'pcs opportunity update' },
    isInTransaction: false,
    parentContext: null,
  });
}

const deep = (depth: number, kind: 'array' | 'object') =>
  Buffer.from(
    kind === 'array'
      ? '['.repeat(depth) + ']'.repeat(depth)
      : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

const BAD_IDS = [
  '1)/../../systemusers(1',
  '',
  'not-a-guid',
  '../../x',
  'a'.repeat(300),
  "1' or 1 eq 1",
  '%2e%2e%2f',
];

export function hostileRequests(count: number, context: HostileContext, seed = 13): HostileRequest[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const keyed = `?code=${encodeURIComponent(context.webhookKey)}`;
  const dvHeaders = { 'content-type': 'application/json' };
  const { privateKey: foreignKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreignPem = foreignKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sign = (body: Buffer, pem = context.signingKeyPem) =>
    `Signature ${createSign('RSA-SHA256').update(body).sign(pem, 'base64')}`;
  const pcHeaders = (body: Buffer, overrides: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    'x-ms-certificate-url': context.certificateUrl,
    'x-ms-signature-algorithm': 'rsa-sha256',
    authorization: sign(body),
    ...overrides,
  });
  const event = (resourceUri: string, eventName = 'referral-updated') => ({
    EventName: eventName,
    ResourceUri: resourceUri,
    ResourceName: 'referral',
    AuditUri: null,
    ResourceChangeUtcDate: new Date().toISOString(),
  });
  // The documented ResourceUri form, `{baseURL}/engagements/v1/referrals/{id}` (as the simulator sends it).
  const origin = new URL(context.certificateUrl).origin;
  const referralUri = (id: string) => `${origin}/engagements/v1/referrals/${id}`;

  const makers: Array<() => HostileRequest> = [
    // Dataverse route, right key, body not JSON or not a context.
    () => {
      const valid = JSON.stringify(opportunityContext(randomUUID(), []));
      const body = pick([
        Buffer.from(valid.slice(0, Math.floor(random() * valid.length))),
        Buffer.from(
          Array.from({ length: 64 + Math.floor(random() * 512) }, () => Math.floor(random() * 256)),
        ),
        Buffer.from(''),
        Buffer.from('null'),
        Buffer.from('[]'),
        Buffer.from('"text"'),
        Buffer.from('{"MessageName":5,"InputParameters":"x","PrimaryEntityId":{}}'),
      ]);
      return { category: 'dataverse: malformed', route: 'dataverse', query: keyed, headers: dvHeaders, body };
    },
    () => ({
      category: 'dataverse: deeply nested',
      route: 'dataverse',
      query: keyed,
      headers: dvHeaders,
      body: deep(10_000 + Math.floor(random() * 40_000), pick(['array', 'object'] as const)),
    }),
    () => {
      const body = json(opportunityContext(randomUUID(), []));
      const query = pick([
        '',
        '?code=',
        `?code=${'x'.repeat(46)}`,
        `?code=${context.webhookKey.slice(0, -1)}`,
        `?key=${context.webhookKey}`,
      ]);
      return {
        category: 'dataverse: wrong or missing key',
        route: 'dataverse',
        query,
        headers: dvHeaders,
        body,
      };
    },
    () => ({
      category: 'dataverse: record id not a GUID',
      route: 'dataverse',
      query: keyed,
      headers: dvHeaders,
      body: json(opportunityContext(pick(BAD_IDS), [])),
    }),
    () => {
      const name = pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty']);
      const id = randomUUID();
      const context_ = opportunityContext(id, [{ key: name, value: { polluted: true } }]);
      // The string form keeps a literal "__proto__" key (an object literal would set the prototype).
      const body = Buffer.from(
        JSON.stringify(context_).replace(
          '"Attributes":[',
          `"Attributes":[{"key":"${name}","value":{"polluted":true}},`,
        ),
      );
      return {
        category: 'dataverse: __proto__ attributes (unknown record)',
        route: 'dataverse',
        query: keyed,
        headers: dvHeaders,
        body:
          random() < 0.5 ? body : Buffer.from(`{"__proto__":{"x":1},"constructor":{"prototype":{"y":2}}}`),
      };
    },
    // Partner Center route.
    () => {
      const body = json(event(referralUri(randomUUID())));
      const headers = pick<Record<string, string>>([
        { 'content-type': 'application/json' },
        pcHeaders(body, { authorization: `Signature ${Buffer.from(randomUUID()).toString('base64')}` }),
        pcHeaders(body, { authorization: sign(json(event(referralUri(randomUUID())))) }),
        pcHeaders(body, { authorization: sign(body, foreignPem) }),
        pcHeaders(body, { authorization: 'Bearer x' }),
        pcHeaders(body, { 'x-ms-signature-algorithm': 'rsa-sha1' }),
      ]);
      return {
        category: 'partner center: unsigned or wrongly signed',
        route: 'partnerCenter',
        query: '',
        headers,
        body,
      };
    },
    () => {
      const body = json(event(referralUri(randomUUID())));
      const url = new URL(context.certificateUrl);
      const certificateUrl = pick([
        `http://evil.example${url.pathname}`,
        `${context.relayOrigin}${url.pathname}`,
        `http://${url.hostname}:1${url.pathname}`,
        `http://user:pw@${url.host}${url.pathname}`,
        `${url.origin}/cert/../metrics`,
        'not a url',
      ]);
      return {
        category: 'partner center: untrusted certificate URL',
        route: 'partnerCenter',
        query: '',
        headers: pcHeaders(body, { 'x-ms-certificate-url': certificateUrl }),
        body,
      };
    },
    () => {
      const body = pick([
        json(event(`${origin}/engagements/v1/referrals/%E0%A4%A`)),
        json(event(`${origin}/engagements/v1/referrals/%zz`)),
        json(event(referralUri(pick(BAD_IDS)))),
        json(event(referralUri(randomUUID()), 'not-an-event')),
        json({ EventName: 'referral-updated' }),
        deep(20_000, 'array'),
        Buffer.from('{"EventName":'),
      ]);
      return {
        category: 'partner center: signed, bad content',
        route: 'partnerCenter',
        query: '',
        headers: pcHeaders(body),
        body,
      };
    },
  ];

  const requests: HostileRequest[] = [];
  // Oversized bodies are few but always present: 2 MB each, on both routes, signed and keyed.
  const oversized = Math.max(4, Math.floor(count / 250));
  for (let n = 0; n < oversized; n++) {
    const body = json({ ...event(referralUri(randomUUID())), padding: 'x'.repeat(2 * 1024 * 1024) });
    requests.push(
      n % 2 === 0
        ? { category: 'oversized (2 MB)', route: 'dataverse', query: keyed, headers: dvHeaders, body }
        : { category: 'oversized (2 MB)', route: 'partnerCenter', query: '', headers: pcHeaders(body), body },
    );
  }
  while (requests.length < count) requests.push(pick(makers)());
  return requests;
}
