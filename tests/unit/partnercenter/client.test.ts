/** What the client sends on the wire and how liberally it reads answers (scripted loopback server). */
import { ApiError } from '../../../Relay/ports';
import { createPartnerCenterClient, rebaseNextLink, staticTokenProvider } from '../../../Relay/partnercenter';
import { startRecordingServer, type RecordedRequest, type Reply } from '../../testkit/recordingServer';

const referral = (id: string, extra: object = {}) => ({ id, eTag: '"e-1"', status: 'Active', ...extra });

async function withServer(
  reply: (req: RecordedRequest) => Reply,
  run: (url: string, received: RecordedRequest[]) => Promise<void>,
) {
  const server = await startRecordingServer(reply);
  try {
    await run(server.url, server.received);
  } finally {
    await server.close();
  }
}
const clientFor = (url: string) =>
  createPartnerCenterClient({
    tokens: staticTokenProvider({ referrals: 'ref-token', webhooks: 'hook-token' }),
    referralsUrl: `${url}/v1.0/engagements/referrals`,
    webhooksUrl: `${url}/webhooks/v1/registration`,
    http: { sleep: async () => undefined, retry: { maxRetries: 1 } },
    maxPages: 5,
  });

it('sends bearer token, MS-CorrelationId, Prefer and the eTag verbatim as If-Match; falls back to GET on 204', async () => {
  await withServer(
    (req) =>
      req.method === 'PATCH'
        ? { status: 204 }
        : { status: 200, body: JSON.stringify(referral('r1', { '@odata.context': 'x' })) },
    async (url, received) => {
      const result = await clientFor(url).patchReferral(
        'r1',
        [{ op: 'replace', path: '/details/dealValue', value: 5 }],
        {
          ifMatch: '"2500ec5a-0000-0000-0000-5bf4967d0000"',
          correlationId: 'corr-1',
        },
      );
      expect(result).toEqual(referral('r1'));
      const [patch, get] = received;
      expect(patch!.headers).toMatchObject({
        authorization: 'Bearer ref-token',
        'ms-correlationid': 'corr-1',
        prefer: 'return=representation',
        'if-match': '"2500ec5a-0000-0000-0000-5bf4967d0000"',
        'content-type': 'application/json',
      });
      expect(JSON.parse(patch!.body)).toEqual([{ op: 'replace', path: '/details/dealValue', value: 5 }]);
      expect(get!.method).toBe('GET');
      expect(get!.headers['ms-correlationid']).toBe('corr-1');
    },
  );
});

it('generates a fresh MS-CorrelationId per call and escapes quotes in the externalReferenceId filter', async () => {
  await withServer(
    () => ({
      status: 200,
      body: JSON.stringify({ value: [referral('a', { externalReferenceId: "it's" })] }),
    }),
    async (url, received) => {
      expect((await clientFor(url).findByExternalReferenceId("it's"))?.id).toBe('a');
      expect(await clientFor(url).findByExternalReferenceId('other')).toBeNull(); // server ignored the filter
      expect(decodeURIComponent(received[0]!.url)).toBe(
        "/v1.0/engagements/referrals?$filter=externalReferenceId eq 'it''s'&$orderby=createdDateTime asc",
      );
      expect(received[0]!.url).not.toContain('+');
      expect(received[0]!.headers['ms-correlationid']).not.toBe(received[1]!.headers['ms-correlationid']);
    },
  );
});

it('re-bases the documented nextLink, stops on a repeated link and at the page cap', async () => {
  expect(
    rebaseNextLink(
      'http://api.partner.microsoft.com/v1.0/referrals?$skiptoken=k181pEdP0ykypkieJfcxX',
      'https://api.partner.microsoft.com/v1.0/engagements/referrals',
    ),
  ).toBe('https://api.partner.microsoft.com/v1.0/engagements/referrals?$skiptoken=k181pEdP0ykypkieJfcxX');
  let page = 0;
  await withServer(
    () => ({
      status: 200,
      // The list sample has no eTag on items; the server repeats its nextLink after page 2.
      body: JSON.stringify({
        value: [{ id: `p${page}` }],
        '@odata.nextLink': `http://elsewhere/v1.0/referrals?$skiptoken=${Math.min(++page, 2)}`,
      }),
    }),
    async (url, received) => {
      const items = await clientFor(url).listReferrals({});
      expect(items.map((r) => [r.id, r.eTag])).toEqual([
        ['p0', ''],
        ['p1', ''],
        ['p2', ''],
      ]);
      expect(received.map((r) => r.url)).toEqual([
        '/v1.0/engagements/referrals',
        '/v1.0/engagements/referrals?$skiptoken=1',
        '/v1.0/engagements/referrals?$skiptoken=2',
      ]);
    },
  );
});

it('reads PascalCase registrations, sends the documented PascalCase body, POSTs when none exists', async () => {
  let exists = false;
  await withServer(
    (req) => {
      if (req.method === 'GET')
        return exists
          ? {
              status: 200,
              body: '{"SubscriberId":"s","WebhookUrl":"https://a/h","WebhookEvents":["referral-created"]}',
            }
          : { status: 404, body: 'Not Found' };
      exists = true;
      return { status: 200, body: req.body };
    },
    async (url, received) => {
      const client = clientFor(url);
      await client.putWebhookRegistration({ webhookUrl: 'https://a/h', webhookEvents: ['referral-created'] });
      const again = await client.putWebhookRegistration({
        webhookUrl: 'https://a/h',
        webhookEvents: ['referral-created'],
        signatureTokenToMsSignatureHeader: true,
      });
      expect(again).toEqual({
        webhookUrl: 'https://a/h',
        webhookEvents: ['referral-created'],
        signatureTokenToMsSignatureHeader: true,
      });
      expect(received.filter((r) => r.method !== 'GET').map((r) => [r.method, JSON.parse(r.body)])).toEqual([
        ['POST', { WebhookUrl: 'https://a/h', WebhookEvents: ['referral-created'] }],
        [
          'PUT',
          {
            WebhookUrl: 'https://a/h',
            WebhookEvents: ['referral-created'],
            SignatureTokenToMsSignatureHeader: true,
          },
        ],
      ]);
      expect(received[0]!.headers.authorization).toBe('Bearer hook-token');
      expect(await client.getWebhookRegistration()).toEqual({
        subscriberId: 's',
        webhookUrl: 'https://a/h',
        webhookEvents: ['referral-created'],
      });
    },
  );
});

it('turns plain-text and non-JSON answers into ApiErrors with the Request-ID', async () => {
  await withServer(
    (req) =>
      req.url.endsWith('/bad')
        ? { status: 200, body: '<html>' }
        : { status: 400, headers: { 'request-id': 'rq-7' }, body: 'Bad Request' },
    async (url) => {
      const error = (await clientFor(url)
        .getReferral('x')
        .catch((e: unknown) => e)) as ApiError;
      expect(error.details).toMatchObject({ status: 400, requestId: 'rq-7' });
      expect(error.message).toContain('Bad Request');
      expect(error.message).not.toContain('ref-token');
      await expect(clientFor(url).getReferral('bad')).rejects.toThrow(/not JSON/);
    },
  );
});
