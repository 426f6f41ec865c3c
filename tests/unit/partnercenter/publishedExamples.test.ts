/**
 * Every published "create a referral" request, sent as published to the Partner Center simulator: the
 * status and the response SHAPE (property paths and JSON types; ids and dates differ) must be the
 * published response's. Where the examples differ from each other the most recent (2019-05) wins: its
 * response adds organizationId, organizationName and a null externalReferenceId, which the older
 * responses lack (README.md of the simulator). The current Private example has no published response:
 * it must be accepted, and answered with what it sent (in camelCase) plus the server's properties.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  startPartnerCenterSimulator,
  type PartnerCenterSimulator,
} from '../../../DevStack/simulators/partnercenter';
import { CREATE_RESPONSE_SERVER_KEYS } from '../../../DevStack/simulators/partnercenter/rules';
import { PARTNER_CENTER_PAYLOADS } from '../../testkit/paths';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const fixture = (name: string) => fs.readFileSync(path.join(PARTNER_CENTER_PAYLOADS, name), 'utf8');

/** `path → JSON type` of every property; array items merged under `[]`. */
function shape(value: Json, at = '$', out = new Map<string, string>()): Map<string, string> {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  out.set(at, type);
  if (Array.isArray(value)) value.forEach((item) => shape(item, `${at}[]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) shape(child, `${at}.${key}`, out);
  }
  return out;
}

/** Differences as readable lines: `+path (type)` only ours, `-path (type)` only published, `~path a≠b`. */
function shapeDiff(ours: Map<string, string>, published: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [p, t] of published) {
    if (!ours.has(p)) lines.push(`-${p} (${t})`);
    else if (ours.get(p) !== t) lines.push(`~${p} ${ours.get(p)}≠${t}`);
  }
  for (const [p, t] of ours) if (!published.has(p)) lines.push(`+${p} (${t})`);
  return lines.sort();
}

let sim: PartnerCenterSimulator;
beforeAll(async () => {
  sim = await startPartnerCenterSimulator({ port: 0 });
});
afterAll(async () => sim.close());

/** POST the request text exactly as published (the 2019 files start with a space). */
async function post(body: string) {
  const res = await fetch(sim.referralsUrl, {
    method: 'POST',
    headers: { authorization: 'Bearer <token>', 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, body: (await res.json()) as { [key: string]: Json } };
}

describe.each([
  {
    example: '2019-05 Shared with a SolutionProfile target (the page until 2022)',
    request: 'referral-create.request.json',
    response: 'referral-create.response.json',
    mostRecentAdds: [],
  },
  {
    example: '2019-04 Shared without target',
    request: 'referral-create-2019-04-shared-no-target.request.json',
    response: 'referral-create-2019-04-shared-no-target.response.json',
    mostRecentAdds: ['+$.organizationId (string)', '+$.organizationName (string)'],
  },
  {
    example: '2019-02 Independent, created Closed/Won, no name',
    request: 'referral-create-2019-02-independent-closed-won.request.json',
    response: 'referral-create-2019-02-independent-closed-won.response.json',
    mostRecentAdds: [
      '+$.externalReferenceId (null)',
      '+$.organizationId (string)',
      '+$.organizationName (string)',
    ],
  },
])('published create example $example', ({ request, response, mostRecentAdds }) => {
  const published = JSON.parse(fixture(response)) as { [key: string]: Json };
  let got: Awaited<ReturnType<typeof post>>;
  beforeAll(async () => {
    got = await post(fixture(request));
  });

  it('is created (201) with the published status, substatus and statusReason', () => {
    expect(got.status).toBe(201);
    expect({
      status: got.body.status,
      substatus: got.body.substatus,
      statusReason: got.body.statusReason,
      name: got.body.name,
    }).toEqual({
      status: published.status,
      substatus: published.substatus,
      statusReason: published.statusReason,
      name: published.name,
    });
  });

  it('answers with the published response shape (only the most recent example’s additions differ)', () => {
    expect(shapeDiff(shape(got.body), shape(published))).toEqual(mostRecentAdds);
  });

  it('keeps what the published response echoes (customer, consent, details without closing date, team, invite)', () => {
    for (const key of ['customerProfile', 'consent', 'details', 'team', 'inviteContext', 'target'] as const) {
      expect(got.body[key]).toEqual(published[key]);
    }
  });
});

describe('current Private example (RECONSTRUCTED request: the page copy lost its brackets; no response is published)', () => {
  const text = fixture('referral-create-private.request.RECONSTRUCTED.json');
  const sent = JSON.parse(text) as { [key: string]: Json };
  let got: Awaited<ReturnType<typeof post>>;
  beforeAll(async () => {
    got = await post(text);
  });

  it('is created Active/Accepted although it sends no status', () => {
    expect(got.status).toBe(201);
    expect(got.body).toMatchObject({ status: 'Active', substatus: 'Accepted', name: sent.name });
  });

  it('reads the mixed-case consent keys case-insensitively and answers them in camelCase', () => {
    expect(Object.keys(sent.consent as object)).toEqual([
      'ConsentToToShareInfoWithOthers',
      'ConsentToContact',
      'ConsentToMicrosoftToContactSpecificPartners',
      'consentToShareReferralWithMicrosoftSellers',
    ]);
    expect(got.body.consent).toEqual({
      consentToToShareInfoWithOthers: true,
      consentToContact: true,
      consentToMicrosoftToContactSpecificPartners: true,
      consentToShareReferralWithMicrosoftSellers: false,
    });
  });

  it('answers with what it sent (publisher name, marketplace intent attribute) plus the server’s properties', () => {
    const camel = (p: string) => p.replace(/\.Consent/g, '.consent');
    const sentShape = new Map([...shape(sent)].map(([p, t]) => [camel(p), t]));
    sentShape.delete('$.details.closingDateTime');
    // Nothing sent is lost or retyped; what is added are the server's top-level properties (and the
    // links' members, shaped as in the 2019-05 response).
    const diff = shapeDiff(shape(got.body), sentShape).map((line) => line.replace(/ \(.*\)$/, ''));
    const links = [...shape(JSON.parse(fixture('referral-create.response.json')).links, '$.links')];
    expect(diff).toEqual(
      [
        ...CREATE_RESPONSE_SERVER_KEYS.filter((k) => !(k in sent) && k !== 'links').map((k) => `+$.${k}`),
        ...links.map(([p]) => `+${p}`),
      ].sort(),
    );
    expect(got.body.details).toMatchObject({
      requirements: {
        solutions: [{ id: 'SOL-15974-MQF', publisherName: 'Contoso_Test', solutionType: '3P' }],
        additionalRequirements: { attributes: [{ id: 'HaveNotDecided', type: 'CustomerMarketplaceIntent' }] },
      },
    });
  });
});

it('stores what the response leaves out: GET has direction Outgoing, acceptedDateTime and the closing date', async () => {
  const created = await post(fixture('referral-create.request.json'));
  const res = await fetch(`${sim.referralsUrl}/${String(created.body.id)}`, {
    headers: { authorization: 'Bearer t' },
  });
  const stored = (await res.json()) as { [key: string]: Json };
  expect(stored).toMatchObject({
    direction: 'Outgoing',
    acceptedDateTime: expect.any(String),
    details: expect.objectContaining({ closingDateTime: '2018-11-14T00:00:00Z' }),
  });
});
