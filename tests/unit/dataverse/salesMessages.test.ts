/**
 * The Dataverse simulator's Sales messages, over its Web API, as Microsoft documents them (sources in
 * DevStack/simulators/dataverse/salesMessages.ts and its README): WinOpportunity / LoseOpportunity
 * create a completed opportunityclose activity and close the opportunity with the given status reason;
 * QualifyLead creates the records asked for, linked to each other and to the lead, and qualifies it.
 * The webhook steps they fire are read back from the simulator's delivery log.
 */
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import type { DataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { closeAfterAll } from '../../testkit/cleanup';
import { startRecordingServer, type RecordingServer } from '../../testkit/recordingServer';
import { tokenFor } from './support';

const SELLER_OID = '5e11e500-0000-4000-8000-000000000002';

let sim: DataverseSimulator;
let hook: RecordingServer;

beforeAll(async () => {
  // The messages' rules, not security (tests/unit/dataverse/security.test.ts): the test's user
  // registers steps, so it administers.
  sim = await startDataverseSimulator({ port: 0, rolesOnFirstUse: { user: ['System Administrator'] } });
  closeAfterAll(() => sim.close());
  hook = await startRecordingServer({ status: 200 });
  for (const [message, table] of [
    ['Win', 'opportunity'],
    ['Lose', 'opportunity'],
    ['Update', 'opportunity'],
    ['Create', 'opportunityclose'],
    ['QualifyLead', 'lead'],
    ['Update', 'lead'],
    ['Create', 'opportunity'],
    ['Create', 'account'],
    ['Create', 'contact'],
  ] as const)
    await registerStep(message, table);
});

// OData bodies of many shapes; the assertions pin what they read.
/* eslint-disable @typescript-eslint/no-explicit-any */
async function api(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(sim.apiUrl + url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(SELLER_OID)}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function create(entitySet: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(sim.apiUrl + entitySet, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(SELLER_OID)}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(204);
  return /\(([0-9a-f-]{36})\)$/.exec(response.headers.get('odata-entityid') ?? '')![1]!;
}

async function registerStep(message: string, table: string): Promise<void> {
  const endpoint = await create('serviceendpoints', {
    name: `hook ${message} ${table}`,
    contract: 8,
    url: `${hook.url}/hook`,
    authtype: 4,
    authvalue: 'k',
    messageformat: 2,
  });
  const messageId = (await api('GET', `sdkmessages?$select=sdkmessageid&$filter=name eq '${message}'`)).json
    .value[0].sdkmessageid as string;
  const filter = await api(
    'GET',
    `sdkmessagefilters?$select=sdkmessagefilterid&$filter=primaryobjecttypecode eq '${table}' and _sdkmessageid_value eq ${messageId}`,
  );
  await create('sdkmessageprocessingsteps', {
    name: `${message} of ${table}`,
    stage: 40,
    mode: 1,
    rank: 1,
    supporteddeployment: 0,
    'sdkmessageid@odata.bind': `/sdkmessages(${messageId})`,
    'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${filter.json.value[0].sdkmessagefilterid})`,
    'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${endpoint})`,
  });
}

/** Where the delivery log stands once earlier deliveries have landed. */
async function mark(): Promise<number> {
  await sim.drain();
  return sim.deliveries().length;
}

/** Messages delivered for these rows since `from`, in order, as `message table`. */
async function firedSince(from: number, ids: string[]): Promise<string[]> {
  await sim.drain();
  return sim
    .deliveries()
    .slice(from)
    .filter((d) => ids.includes(d.id))
    .map((d) => `${d.message} ${d.entity}`);
}

const openOpportunity = (estimatedvalue = 1200) =>
  create('opportunities', { name: 'To close', estimatedvalue });

describe('WinOpportunity / LoseOpportunity', () => {
  it('wins: a completed opportunityclose with the reason, Won/3, actual revenue and close date', async () => {
    const id = await openOpportunity();
    const from = await mark();
    const won = await api('POST', 'WinOpportunity', {
      Status: 3,
      OpportunityClose: {
        subject: 'Won in Partner Center',
        description: 'Signed',
        actualend: '2026-03-01T00:00:00Z',
        actualrevenue: 1500,
        'opportunityid@odata.bind': `/opportunities(${id})`,
      },
    });
    expect(won.status).toBe(204);
    const closes = await api('GET', `opportunitycloses?$filter=_opportunityid_value eq ${id}`);
    expect(closes.json.value).toEqual([
      expect.objectContaining({
        subject: 'Won in Partner Center',
        description: 'Signed',
        actualrevenue: 1500,
        statecode: 1,
        statuscode: 2,
      }),
    ]);
    expect((await api('GET', `opportunities(${id})`)).json).toMatchObject({
      statecode: 1,
      statuscode: 3,
      actualvalue: 1500,
      actualclosedate: expect.stringMatching(/^2026-03-01/),
    });
    const closeId = closes.json.value[0].activityid as string;
    expect(await firedSince(from, [id, closeId])).toEqual([
      'Create opportunityclose',
      'Update opportunity',
      'Win opportunity',
    ]);
  });

  it('wins without a revenue: the actual revenue defaults to the estimated revenue', async () => {
    const id = await openOpportunity(900);
    expect(
      (
        await api('POST', 'WinOpportunity', {
          Status: -1,
          OpportunityClose: { subject: 'Won', 'opportunityid@odata.bind': `/opportunities(${id})` },
        })
      ).status,
    ).toBe(204);
    expect((await api('GET', `opportunities(${id})`)).json).toMatchObject({
      statecode: 1,
      statuscode: 3,
      actualvalue: 900,
    });
  });

  it('loses with Out-Sold or Canceled; -1 means the Lost state’s default status', async () => {
    const outSold = await openOpportunity();
    const canceled = await openOpportunity();
    const from = await mark();
    for (const [id, status] of [
      [outSold, 5],
      [canceled, -1],
    ] as const)
      expect(
        (
          await api('POST', 'LoseOpportunity', {
            Status: status,
            OpportunityClose: { subject: 'Lost', 'opportunityid@odata.bind': `/opportunities(${id})` },
          })
        ).status,
      ).toBe(204);
    expect((await api('GET', `opportunities(${outSold})`)).json).toMatchObject({
      statecode: 2,
      statuscode: 5,
    });
    expect((await api('GET', `opportunities(${canceled})`)).json).toMatchObject({
      statecode: 2,
      statuscode: 4,
    });
    expect((await firedSince(from, [outSold])).filter((m) => m.endsWith('opportunity'))).toEqual([
      'Update opportunity',
      'Lose opportunity',
    ]);
  });

  it('refuses a status of another state, a missing Status or OpportunityClose, and a closed opportunity', async () => {
    const id = await openOpportunity();
    const close = { subject: 'x', 'opportunityid@odata.bind': `/opportunities(${id})` };
    const wrongState = await api('POST', 'WinOpportunity', { Status: 4, OpportunityClose: close });
    expect(wrongState.status).toBe(400);
    expect(wrongState.json.error.code).toBe('0x8004431a');
    expect((await api('POST', 'LoseOpportunity', { OpportunityClose: close })).status).toBe(400);
    expect((await api('POST', 'LoseOpportunity', { Status: 4 })).status).toBe(400);
    // Nothing of a refused request remains.
    expect((await api('GET', `opportunitycloses?$filter=_opportunityid_value eq ${id}`)).json.value).toEqual(
      [],
    );
    expect((await api('POST', 'LoseOpportunity', { Status: 4, OpportunityClose: close })).status).toBe(204);
    expect((await api('POST', 'WinOpportunity', { Status: 3, OpportunityClose: close })).status).toBe(400);
  });
});

describe('QualifyLead', () => {
  const newLead = () =>
    create('leads', {
      subject: 'Fabrikam rollout',
      companyname: 'Fabrikam',
      firstname: 'Sue',
      lastname: 'Smith',
      emailaddress1: 'sue@fabrikam.example',
      telephone1: '+1 425 555 0100',
    });
  const qualify = (leadId: string, body: Record<string, unknown>) =>
    api('POST', `leads(${leadId})/Microsoft.Dynamics.CRM.QualifyLead`, body);

  it('creates account, contact and opportunity linked to each other and the lead, then qualifies the lead', async () => {
    const leadId = await newLead();
    const from = await mark();
    const answer = await qualify(leadId, {
      CreateAccount: true,
      CreateContact: true,
      CreateOpportunity: true,
      OpportunityCurrencyId: {
        transactioncurrencyid: sim.ids.usdCurrency,
        '@odata.type': 'Microsoft.Dynamics.CRM.transactioncurrency',
      },
      Status: 3,
    });
    expect(answer.status).toBe(200);
    expect(answer.json['@odata.context']).toMatch(/Collection\(Microsoft\.Dynamics\.CRM\.crmbaseentity\)$/);
    const idOf = (type: string) =>
      answer.json.value.find(
        (e: Record<string, string>) => e['@odata.type'] === `#Microsoft.Dynamics.CRM.${type}`,
      )[`${type}id`] as string;
    const accountId = idOf('account');
    const contactId = idOf('contact');
    const opportunityId = idOf('opportunity');
    expect((await api('GET', `accounts(${accountId})`)).json).toMatchObject({
      name: 'Fabrikam',
      _originatingleadid_value: leadId,
      _primarycontactid_value: contactId,
    });
    expect((await api('GET', `contacts(${contactId})`)).json).toMatchObject({
      firstname: 'Sue',
      lastname: 'Smith',
      emailaddress1: 'sue@fabrikam.example',
      _parentcustomerid_value: accountId,
      _originatingleadid_value: leadId,
    });
    expect((await api('GET', `opportunities(${opportunityId})`)).json).toMatchObject({
      name: 'Fabrikam rollout',
      _originatingleadid_value: leadId,
      _parentaccountid_value: accountId,
      _parentcontactid_value: contactId,
      _customerid_value: accountId,
      _transactioncurrencyid_value: sim.ids.usdCurrency,
      statecode: 0,
    });
    expect((await api('GET', `leads(${leadId})`)).json).toMatchObject({
      statecode: 1,
      statuscode: 3,
      _qualifyingopportunityid_value: opportunityId,
    });
    expect(await firedSince(from, [leadId, accountId, contactId, opportunityId])).toEqual([
      'Create account',
      'Create contact',
      'Create opportunity',
      'Update lead',
      'QualifyLead lead',
    ]);
  });

  it('uses an existing customer: no account created, the opportunity’s customer is the one given', async () => {
    const leadId = await newLead();
    const accountId = await create('accounts', { name: 'Fabrikam (existing)' });
    const before = (await api('GET', 'accounts?$select=accountid')).json.value.length;
    const answer = await qualify(leadId, {
      CreateAccount: false,
      CreateContact: false,
      CreateOpportunity: true,
      OpportunityCustomerId: { accountid: accountId, '@odata.type': 'Microsoft.Dynamics.CRM.account' },
      Status: 3,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.value).toHaveLength(1);
    expect((await api('GET', 'accounts?$select=accountid')).json.value).toHaveLength(before);
    expect((await api('GET', `opportunities(${answer.json.value[0].opportunityid})`)).json).toMatchObject({
      _parentaccountid_value: accountId,
      _customerid_value: accountId,
      _parentcontactid_value: null,
    });
  });

  it('refuses missing flags, a status that is not a qualified one, an unknown customer and a closed lead', async () => {
    const leadId = await newLead();
    const flags = { CreateAccount: false, CreateContact: false, CreateOpportunity: false };
    expect((await qualify(leadId, { Status: 3 })).status).toBe(400);
    expect((await qualify(leadId, { ...flags, Status: 4 })).json.error.code).toBe('0x8004431a');
    expect(
      (
        await qualify(leadId, {
          ...flags,
          Status: 3,
          OpportunityCustomerId: {
            accountid: '00000000-0000-4000-8000-00000000dead',
            '@odata.type': 'Microsoft.Dynamics.CRM.account',
          },
        })
      ).status,
    ).toBe(404);
    expect((await api('GET', `leads(${leadId})`)).json.statecode).toBe(0);
    expect((await qualify(leadId, { ...flags, Status: 3 })).status).toBe(200);
    expect((await qualify(leadId, { ...flags, Status: 3 })).status).toBe(400);
  });
});
