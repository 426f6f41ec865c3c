/** The simulator enforces Partner Center's documented rules (partner-center-api.md §1.4, §3.4, §3.5, §5). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createSigningCertificate,
  createWebhookSigner,
  startPartnerCenterSimulator,
  type PartnerCenterSimulator,
  type PartnerCenterSimulatorOptions,
} from '../../../DevStack/simulators/partnercenter';
import { startRecordingServer } from '../../testkit/recordingServer';
import { PARTNER_CENTER_PAYLOADS } from '../../testkit/paths';

const sample = () =>
  JSON.parse(fs.readFileSync(path.join(PARTNER_CENTER_PAYLOADS, 'referral-create.request.json'), 'utf8'));
const webhookSigner = createWebhookSigner(createSigningCertificate());

let sim: PartnerCenterSimulator;
const start = async (extra: PartnerCenterSimulatorOptions = {}) =>
  (sim = await startPartnerCenterSimulator({
    port: 0,
    webhookSigner,
    delivery: { baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  }));
afterEach(async () => sim?.close());

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: 'Bearer t',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response JSON
    body: text ? (JSON.parse(text) as Record<string, any>) : null,
  };
}
const create = (body: unknown) => call('POST', sim.referralsUrl, body);

/** A complete co-sell: shared with Microsoft sellers + help requested + customer contact + solution. */
function coSell() {
  const body = sample();
  body.consent.consentToShareReferralWithMicrosoftSellers = true;
  body.inviteContext = { assistanceRequestCode: 'ProofOfConceptOrDemo', notes: 'help please' };
  return body;
}

describe('create rules', () => {
  beforeEach(() => start());

  it('accepts the documented sample: 201, Active/Accepted, quoted eTag, 7-digit timestamps, links; stored Outgoing', async () => {
    const res = await create(sample());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'Active', substatus: 'Accepted', type: 'Shared' });
    // Like every published create response, the answer has no direction; the stored referral does.
    expect(res.body).not.toHaveProperty('direction');
    expect((await call('GET', `${sim.referralsUrl}/${res.body!.id}`)).body).toMatchObject({
      direction: 'Outgoing',
    });
    expect(res.body!.eTag).toMatch(/^"[0-9a-f-]{36}"$/);
    expect(res.body!.createdDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    expect(res.body!.links.self.uri).toBe(`${sim.referralsUrl}/${res.body!.id}`);
    expect(res.headers.get('request-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it.each(['type', 'customerProfile', 'consent', 'details'])(
    'rejects a body without %s (400, PartnerAPI envelope)',
    async (block) => {
      const body = sample();
      delete body[block];
      const res = await create(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: expect.any(Number), source: 'PartnerAPI' });
      expect(res.body!.description).toContain(block);
    },
  );

  it.each(['USA', 'us', 'XX', '', null])('rejects country %p (not ISO 3166 alpha-2)', async (country) => {
    const body = sample();
    body.customerProfile.address.country = country;
    expect((await create(body)).status).toBe(400);
  });

  it('requires a complete contact when help is requested, a solution when shared with Microsoft', async () => {
    expect((await create(coSell())).status).toBe(201);
    const noContact = coSell();
    noContact.customerProfile.team = [{ firstName: 'Sue', lastName: 'Smith' }];
    expect((await create(noContact)).body!.description).toMatch(/customer contact/);
    const noSolution = coSell();
    noSolution.details.requirements.solutions = [];
    expect((await create(noSolution)).body!.description).toMatch(/Solution ID is required/);
    // Partner-led (shared, no help) needs a solution but no contact; private deals need neither.
    const partnerLed = { ...noSolution, inviteContext: { assistanceRequestCode: 'Unknown' } };
    partnerLed.customerProfile.team = [];
    expect((await create(partnerLed)).body!.description).toMatch(/Solution ID is required/);
    partnerLed.details.requirements.solutions = sample().details.requirements.solutions;
    expect((await create(partnerLed)).status).toBe(201);
    const privateDeal = { ...partnerLed, consent: { consentToShareReferralWithMicrosoftSellers: false } };
    privateDeal.details.requirements.solutions = [];
    expect((await create(privateDeal)).status).toBe(201);
  });

  it('requires neither name nor customer name (no source does), and keeps a created Closed/Won', async () => {
    const body = sample();
    delete body.name;
    delete body.customerProfile.name;
    Object.assign(body, { status: 'Closed', substatus: 'Won' });
    const res = await create(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'Closed', substatus: 'Won' });
    expect(res.body).not.toHaveProperty('name');
  });

  it('rejects wrong types with the JSON path, unknown help codes, and non-JSON bodies', async () => {
    const body = sample();
    body.details.dealValue = 'lots';
    expect((await create(body)).body!.data).toEqual(['$.details.dealValue']);
    expect(
      (await create({ ...coSell(), inviteContext: { assistanceRequestCode: 'PleaseHelp' } })).status,
    ).toBe(400);
    const res = await fetch(sim.referralsUrl, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{',
    });
    expect(res.status).toBe(400);
  });

  it('requires a bearer token (401) and checks it per audience when configured', async () => {
    expect((await call('GET', sim.referralsUrl, undefined, { authorization: '' })).status).toBe(401);
    await sim.close();
    await start({ tokens: { referrals: 'r-token', webhooks: 'w-token' } });
    expect((await call('GET', sim.referralsUrl, undefined, { authorization: 'Bearer w-token' })).status).toBe(
      401,
    );
    expect(
      (await call('GET', sim.webhooksUrl + '/events', undefined, { authorization: 'Bearer w-token' })).status,
    ).toBe(200);
  });
});

describe('update rules', () => {
  let id: string;
  let eTag: string;
  beforeEach(async () => {
    await start();
    ({ id, eTag } = (await create(sample())).body as { id: string; eTag: string });
  });
  const patch = (ops: unknown, headers: Record<string, string> = {}) =>
    call('PATCH', `${sim.referralsUrl}/${id}`, ops, { prefer: 'return=representation', ...headers });

  it('honours Prefer: 200 with the referral, 204 without', async () => {
    const ops = [{ op: 'replace', path: '/details/dealValue', value: '10000' }];
    const withBody = await patch(ops, { 'if-match': eTag });
    expect(withBody.status).toBe(200);
    expect(withBody.body!.details.dealValue).toBe(10000);
    const res = await fetch(`${sim.referralsUrl}/${id}`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json-patch+json' },
      body: JSON.stringify(ops),
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('412 on If-Match mismatch; no If-Match = last writer wins', async () => {
    expect(
      (await patch([{ op: 'replace', path: '/name', value: 'x' }], { 'if-match': '"stale"' })).status,
    ).toBe(412);
    expect((await patch([{ op: 'replace', path: '/name', value: 'y' }])).status).toBe(200);
  });

  it.each(['remove', 'test', 'move', 'copy'])('rejects the %s op (400)', async (op) => {
    expect((await patch([{ op, path: '/name', from: '/name', value: 'x' }])).status).toBe(400);
  });

  it('rejects read-only paths and an empty patch', async () => {
    expect((await patch([{ op: 'replace', path: '/id', value: 'x' }])).status).toBe(400);
    expect((await patch([])).status).toBe(400);
  });

  it('enforces status/substatus transitions and makes closed referrals immutable (409)', async () => {
    expect(
      (
        await patch([
          { op: 'replace', path: '/status', value: 'New' },
          { op: 'replace', path: '/substatus', value: 'Pending' },
        ])
      ).status,
    ).toBe(400);
    expect((await patch([{ op: 'replace', path: '/status', value: 'Closed' }])).status).toBe(400); // Closed/Accepted
    expect((await patch([{ op: 'replace', path: '/substatus', value: 'Won' }])).status).toBe(400); // Active/Won
    const won = await patch([
      { op: 'replace', path: '/status', value: 'Closed' },
      { op: 'replace', path: '/substatus', value: 'Won' },
    ]);
    expect(won.body).toMatchObject({
      status: 'Closed',
      substatus: 'Won',
      closedDateTime: expect.any(String),
    });
    expect((await patch([{ op: 'replace', path: '/details/notes', value: 'late' }])).status).toBe(409);
  });

  it('does not let a referral shared with Microsoft become private again', async () => {
    expect(
      (
        await patch([
          { op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: true },
        ])
      ).status,
    ).toBe(200);
    expect(
      (
        await patch([
          { op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: false },
        ])
      ).status,
    ).toBe(400);
  });

  it('accepts incoming New → Active/Accepted and New → Closed/Declined', async () => {
    const incoming = sim.referrals.createIncoming({});
    const accept = await call(
      'PATCH',
      `${sim.referralsUrl}/${incoming.id}`,
      [
        { op: 'replace', path: '/status', value: 'Active' },
        { op: 'replace', path: '/substatus', value: 'Accepted' },
      ],
      { prefer: 'return=representation' },
    );
    expect(accept.body).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
      acceptedDateTime: expect.any(String),
    });
    const other = sim.referrals.createIncoming({});
    const decline = await call('PATCH', `${sim.referralsUrl}/${other.id}`, [
      { op: 'replace', path: '/status', value: 'Closed' },
      { op: 'replace', path: '/substatus', value: 'Declined' },
      { op: 'replace', path: '/statusReason', value: 'Budget insufficient' },
    ]);
    expect(decline.status).toBe(204);
  });
});

describe('list queries', () => {
  beforeEach(() => start({ pageSize: 50 }));
  const list = async (query: string) =>
    (await call('GET', `${sim.referralsUrl}?${query}`)).body as {
      value: Array<{ name: string }>;
      '@odata.count': number;
    };

  it('filters on externalReferenceId/status/substatus/direction/engagementId/updatedDateTime with and/or, orders and tops', async () => {
    const a = (await create({ ...sample(), name: 'A', externalReferenceId: "o'1" })).body!;
    const b = sim.referrals.createIncoming({ name: 'B' });
    const c = sim.referrals.createIncoming({ name: 'C' });
    const enc = (f: string) => `$filter=${encodeURIComponent(f)}`;
    expect((await list(enc("externalReferenceId eq 'o''1'"))).value.map((r) => r.name)).toEqual(['A']);
    expect(
      (await list(enc("direction eq 'Incoming' and substatus eq 'Pending'"))).value.map((r) => r.name),
    ).toEqual(['B', 'C']);
    expect(
      (await list(enc(`engagementId eq '${b.engagementId}' or status eq 'Active'`))).value.map((r) => r.name),
    ).toEqual(['A', 'B']);
    expect(
      (await list(enc(`(status eq 'New') and not (engagementId eq '${c.engagementId}')`))).value.map(
        (r) => r.name,
      ),
    ).toEqual(['B']);
    expect((await list(enc(`updatedDateTime gt ${a.updatedDateTime}`))).value.length).toBeLessThanOrEqual(2);
    expect(
      (await list(enc("team/any(t:t/email eq 'john.doe@microsoft.com')"))).value.map((r) => r.name),
    ).toEqual(['A']);
    expect((await list('$orderby=createdDateTime%20desc&$top=2')).value.map((r) => r.name)).toEqual([
      'C',
      'B',
    ]);
    expect((await list('$top=1'))['@odata.count']).toBe(1);
  });

  it('rejects unsupported $orderby fields, bad $top and unparsable $filter with 400', async () => {
    expect((await call('GET', `${sim.referralsUrl}?$orderby=name`)).status).toBe(400);
    expect((await call('GET', `${sim.referralsUrl}?$top=-1`)).status).toBe(400);
    expect((await call('GET', `${sim.referralsUrl}?$filter=${encodeURIComponent('status eq')}`)).status).toBe(
      400,
    );
    expect(
      (await call('GET', `${sim.referralsUrl}?$filter=${encodeURIComponent("status like 'x'")}`)).status,
    ).toBe(400);
  });
});

describe('webhooks, Microsoft side and faults', () => {
  let receiver: Awaited<ReturnType<typeof startRecordingServer>>;
  let replyStatus = 200;
  beforeEach(async () => {
    replyStatus = 200;
    receiver = await startRecordingServer(() => ({ status: replyStatus }));
    await start();
    await call('POST', sim.webhooksUrl, {
      WebhookUrl: `${receiver.url}/hook`,
      WebhookEvents: [
        'referral-created',
        'referral-updated',
        'related-referral-created',
        'related-referral-updated',
        'test-created',
      ],
    });
  });
  afterEach(async () => receiver.close());
  const events = () =>
    receiver.received.map((r) => JSON.parse(r.body) as { EventName: string; ResourceUri: string });

  it('delivers referral-created on create and referral-updated after the partner PATCH, signed in Authorization', async () => {
    const { id } = (await create(sample())).body!;
    await call('PATCH', `${sim.referralsUrl}/${id}`, [{ op: 'replace', path: '/details/notes', value: 'n' }]);
    await sim.whenIdle();
    expect(
      events()
        .map((e) => e.EventName)
        .sort(),
    ).toEqual(['referral-created', 'referral-updated']);
    expect(events()[0]!.ResourceUri).toBe(`${sim.url}/engagements/v1/referrals/${id}`);
    const headers = receiver.received[0]!.headers;
    expect(headers.authorization).toMatch(/^Signature [A-Za-z0-9+/=]+$/);
    expect(headers['x-ms-certificate-url']).toBe(sim.certificateUrl);
    expect(headers['x-ms-signature-algorithm']).toBe('rsa-sha256');
    const cert = await fetch(sim.certificateUrl);
    expect(Buffer.from(await cert.arrayBuffer())).toEqual(sim.certificateDer);
  });

  it('engage: related referral in the same engagement, msxId on the partner referral, related-referral-created', async () => {
    const { id, engagementId } = (await create(coSell())).body!;
    const res = await call('POST', `${sim.url}/_control/referrals/${id}/engage`, { msxId: '7-ABC' });
    expect(res.body!.referral.trackingInfo.microsoftMsxId).toBe('7-ABC');
    expect(res.body!.related).toMatchObject({ engagementId, organizationId: 'msft', status: 'Active' });
    const upd = await call('POST', `${sim.url}/_control/referrals/${res.body!.related.id}/microsoft-update`, {
      dealValue: 99000,
      closingDateTime: '2026-03-31T00:00:00Z',
      notes: 'from the Microsoft seller',
    });
    expect(upd.body!.details).toMatchObject({ dealValue: 99000, notes: 'from the Microsoft seller' });
    await sim.whenIdle();
    expect(
      events()
        .map((e) => e.EventName)
        .sort(),
    ).toEqual([
      'referral-created',
      'referral-updated',
      'related-referral-created',
      'related-referral-updated',
    ]);
  });

  it('incoming referral from Microsoft is New/Pending with 14-day expiry; expire closes it', async () => {
    const res = await call('POST', `${sim.url}/_control/referrals/incoming`, { details: { dealValue: 5 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'New',
      substatus: 'Pending',
      direction: 'Incoming',
      inviteContext: { invitedBy: { organizationId: 'msft' } },
    });
    expect(res.body!.details.dealValue).toBe(5);
    const expired = await call('POST', `${sim.url}/_control/referrals/${res.body!.id}/expire`);
    expect(expired.body).toMatchObject({ status: 'Closed', substatus: 'Expired' });
    expect((await call('POST', `${sim.url}/_control/referrals/${res.body!.id}/expire`)).status).toBe(409);
  });

  it('retries a failing receiver up to maxAttempts and records every attempt', async () => {
    replyStatus = 500;
    sim.referrals.createIncoming({});
    await sim.whenIdle();
    const deliveries = (await call('GET', `${sim.url}/_control/deliveries`)).body as unknown as Array<{
      status: string;
      attempts: unknown[];
    }>;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 'failed' });
    expect(deliveries[0]!.attempts).toHaveLength(10);
    expect(receiver.received).toHaveLength(10);
  });

  it('drops, duplicates and reorders deliveries on request', async () => {
    await call('PUT', `${sim.url}/_control/delivery-faults`, { drop: 1, duplicate: 1 });
    const dropped = sim.referrals.createIncoming({ name: 'dropped' });
    const duplicated = sim.referrals.createIncoming({ name: 'duplicated' });
    await sim.whenIdle();
    expect(receiver.received.map((r) => JSON.parse(r.body).ResourceUri)).toEqual([
      sim.referrals.resourceUri(duplicated.id),
      sim.referrals.resourceUri(duplicated.id),
    ]);
    expect(sim.store.state.deliveries.find((d) => d.resourceUri.endsWith(dropped.id))?.status).toBe(
      'dropped',
    );

    receiver.received.length = 0;
    await call('PUT', `${sim.url}/_control/delivery-faults`, { reorder: 2 });
    const first = sim.referrals.createIncoming({});
    const second = sim.referrals.createIncoming({});
    await sim.whenIdle();
    // Released together newest first; both in flight at once, so compare as a set plus the release order in the log.
    expect(receiver.received.map((r) => JSON.parse(r.body).ResourceUri).sort()).toEqual(
      [sim.referrals.resourceUri(first.id), sim.referrals.resourceUri(second.id)].sort(),
    );
  });

  it('sends a duplicated delivery `copies` times, and refuses fewer than 2 copies', async () => {
    expect((await call('PUT', `${sim.url}/_control/delivery-faults`, { copies: 1 })).status).toBe(400);
    await call('PUT', `${sim.url}/_control/delivery-faults`, { duplicate: 1, copies: 3 });
    const tripled = sim.referrals.createIncoming({ name: 'tripled' });
    const once = sim.referrals.createIncoming({ name: 'once' });
    await sim.whenIdle();
    expect(receiver.received.map((r) => JSON.parse(r.body).ResourceUri).sort()).toEqual(
      [
        sim.referrals.resourceUri(tripled.id),
        sim.referrals.resourceUri(tripled.id),
        sim.referrals.resourceUri(tripled.id),
        sim.referrals.resourceUri(once.id),
      ].sort(),
    );
    await call('DELETE', `${sim.url}/_control/delivery-faults`);
  });

  it('sends the signature in x-ms-signature when SignatureTokenToMsSignatureHeader is set; validation events are limited to 2/min', async () => {
    await call('PUT', sim.webhooksUrl, {
      webhookUrl: `${receiver.url}/hook2`,
      webhookEvents: ['test-created'],
      signatureTokenToMsSignatureHeader: true,
    });
    const reg = await call('GET', sim.webhooksUrl);
    expect(reg.body).toMatchObject({
      WebhookUrl: `${receiver.url}/hook2`,
      WebhookEvents: ['test-created'],
      SignatureTokenToMsSignatureHeader: true,
    });
    expect((await call('POST', `${sim.webhooksUrl}/validationEvents`)).status).toBe(200);
    expect((await call('POST', `${sim.webhooksUrl}/validationEvents`)).status).toBe(200);
    const third = await call('POST', `${sim.webhooksUrl}/validationEvents`);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await sim.whenIdle();
    expect(
      receiver.received.every(
        (r) => r.url === '/hook2' && /^Signature /.test(String(r.headers['x-ms-signature'])),
      ),
    ).toBe(true);
  });

  it('rejects registrations with unknown events or non-https URLs', async () => {
    expect(
      (await call('PUT', sim.webhooksUrl, { WebhookUrl: 'https://x.example/h', WebhookEvents: ['nope'] }))
        .status,
    ).toBe(400);
    expect(
      (
        await call('PUT', sim.webhooksUrl, {
          WebhookUrl: 'http://x.example/h',
          WebhookEvents: ['referral-created'],
        })
      ).status,
    ).toBe(400);
  });

  it('injects latency and 429 with Retry-After per route through the control API', async () => {
    await call('POST', `${sim.url}/_control/faults`, {
      method: 'GET',
      path: '/v1.0/engagements/referrals',
      status: 429,
      retryAfter: 3,
    });
    const throttled = await call('GET', sim.referralsUrl);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect((await call('GET', sim.referralsUrl)).status).toBe(200);
  });
});

describe('persistence', () => {
  it('keeps referrals and registration across restarts; --reset clears them', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcsim-'));
    try {
      await start({ dataDir, webhookSigner: undefined });
      const { id } = (await create(sample())).body!;
      const certificate = sim.certificateDer;
      await sim.close();
      await start({ dataDir, webhookSigner: undefined });
      expect((await call('GET', `${sim.referralsUrl}/${id}`)).status).toBe(200);
      // The signing certificate is kept too, so relays that cached it by URL keep verifying.
      expect(sim.certificateDer).toEqual(certificate);
      await sim.close();
      await start({ dataDir, reset: true });
      expect((await call('GET', `${sim.referralsUrl}/${id}`)).status).toBe(404);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
