import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_FIELD_MAP,
  HelpNeededOptions,
  referralLink,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  type DataverseWrites,
  type Referral,
} from '../../../Domain';
import { opportunityFixture } from '../../testkit/fixtureFiles';
import { DATAVERSE_ROWS, PARTNER_CENTER_PAYLOADS } from '../../testkit/paths';
import { cosell } from './run';

const pc = (file: string) => path.join(PARTNER_CENTER_PAYLOADS, file);
const fixture = (kind: string) => path.join(DATAVERSE_ROWS, `opportunity-${kind}.json`);
const dir = mkdtempSync(path.join(tmpdir(), 'cosell-preview-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, value: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

describe('cosell preview referral (every referral document of the Partner Center docs)', () => {
  it('get-by-id: an incoming independent referral → new opportunity, account, solution', async () => {
    const { code, err, json } = await cosell('preview', 'referral', pc('referral-get-by-id.response.json'));
    expect([code, err]).toEqual([0, '']);
    const writes = json() as DataverseWrites;
    expect(writes.target).toBe('opportunity');
    expect(writes.record).toMatchObject({
      estimatedvalue: 10000,
      estimatedclosedate: '2020-12-01',
      pcs_referralid: 'c5fbb3b6-be74-4795-9fb5-4324c73fed37',
      pcs_referrallink: referralLink('c5fbb3b6-be74-4795-9fb5-4324c73fed37'),
      pcs_referralstatus: ReferralStatusOptions.New,
      pcs_referralsubstatus: ReferralSubstatusOptions.Pending,
      pcs_syncwithpartnercenter: true,
    });
    expect(writes.account).toMatchObject({
      name: 'Fabrikam Customer Inc',
      address1_country: 'US',
      address1_postalcode: '98052',
    });
    expect(writes.currencyIsoCode).toBe('USD');
    expect(writes.solutions).toEqual([
      { solutionId: 'SOL-Microsoft365', name: 'Microsoft365', publisherName: null },
    ]);
    expect(Object.keys(writes)).toEqual([
      'target',
      'record',
      'account',
      'contact',
      'currencyIsoCode',
      'solutions',
    ]);
  });

  it('list page: one set of writes per item', async () => {
    const { code, json } = await cosell('preview', 'referral', pc('referrals-list.response.json'));
    expect(code).toBe(0);
    const pages = json() as DataverseWrites[];
    expect(pages).toHaveLength(1);
    expect(pages[0]!.account).toMatchObject({ name: 'Fabrikam Customer Inc', address1_city: 'Redmond' });
    expect(pages[0]!.record).toMatchObject({ estimatedvalue: 10000, estimatedclosedate: '2020-12-01' });
  });

  it('create request: name, customer contact (team[0]) and category solution', async () => {
    const { code, json } = await cosell('preview', 'referral', pc('referral-create.request.json'));
    expect(code).toBe(0);
    const writes = json() as DataverseWrites;
    expect(writes.record).toMatchObject({
      name: 'Test Cosell Invite_20',
      estimatedvalue: 50000,
      estimatedclosedate: '2018-11-14',
      pcs_referralstatus: ReferralStatusOptions.New,
      pcs_referralsubstatus: ReferralSubstatusOptions.Pending,
    });
    expect(writes.record).not.toHaveProperty('pcs_referrallink');
    expect(writes.contact).toEqual({
      firstname: 'Sue',
      lastname: 'Smith',
      emailaddress1: 'sue.smith@contoso.com',
      telephone1: '1234567890',
    });
    expect(writes.solutions).toEqual([
      {
        solutionId: 'Dynamics365forFieldService',
        name: 'Dynamics 365 for Field Service',
        publisherName: null,
      },
    ]);
  });

  it('create response: active/accepted status and engagement id', async () => {
    const { json } = await cosell('preview', 'referral', pc('referral-create.response.json'));
    const writes = json() as DataverseWrites;
    expect(writes.record).toMatchObject({
      pcs_referralid: '4111fffc-f9ee-4d53-bba6-569135228642',
      pcs_engagementid: '37ef26aa-1d15-4533-9f93-a69bd33ab1e5',
      pcs_referralstatus: ReferralStatusOptions.Active,
      pcs_referralsubstatus: ReferralSubstatusOptions.Accepted,
    });
    expect(writes.account).toMatchObject({
      name: 'Contoso Customer Inc',
      address1_line2: '34',
      address1_country: 'US',
    });
  });

  it('PUT response: closed/won, on a lead under the lead policy', async () => {
    const { code, json } = await cosell(
      'preview',
      'referral',
      pc('referral-update-put.response.json'),
      '--policy',
      'lead',
    );
    expect(code).toBe(0);
    const writes = json() as DataverseWrites;
    expect(writes.target).toBe('lead');
    expect(writes.record).toMatchObject({
      subject: 'Partner Center referral',
      companyname: 'Contoso Customer Inc',
      budgetamount: 50000,
      firstname: 'Sue',
      pcs_referralstatus: ReferralStatusOptions.Closed,
      pcs_referralsubstatus: ReferralSubstatusOptions.Won,
    });
    expect([writes.account, writes.contact, writes.solutions]).toEqual([null, null, []]);
  });

  it('rejects the published PUT request (trailing comma) with one line naming the position', async () => {
    const file = pc('referral-update-put.request.invalid-json.txt');
    const result = await cosell('preview', 'referral', file);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toBe(`cosell: ${file}: line 107 column 1: invalid JSON (PropertyNameExpected)\n`);
  });

  it('rejects a referral of the wrong shape naming the JSON path, inside a list too', async () => {
    const single = write('bad-referral.json', { details: { closingDateTime: 'tomorrow' } });
    expect((await cosell('preview', 'referral', single)).err).toBe(
      `cosell: ${single}: $.details.closingDateTime: expected an ISO 8601 date-time such as 2025-11-14T00:00:00Z\n`,
    );
    const list = write('bad-list.json', { value: [{}, { customerProfile: { team: [{ email: 5 }] } }] });
    const result = await cosell('preview', 'referral', list);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`cosell: ${list}: $.value[1].customerProfile.team[0].email: expected string\n`);
  });

  it('rejects an unknown policy', async () => {
    const result = await cosell(
      'preview',
      'referral',
      pc('referral-get-by-id.response.json'),
      '--policy',
      'account',
    );
    expect(result.code).toBe(2);
    expect(result.err).toBe("cosell: --policy: $: expected lead or opportunity, got 'account'\n");
  });
});

describe('cosell preview opportunity', () => {
  it.each([
    ['cosell', 'Shared', true, 'ProofOfConceptOrDemo'],
    ['partnerled', 'Shared', true, undefined],
    ['private', 'Independent', false, undefined],
  ])('%s → create body (%s, shared with Microsoft: %s, help %s)', async (kind, type, shared, help) => {
    const { code, err, json } = await cosell('preview', 'opportunity', fixture(kind));
    expect([code, err]).toEqual([0, '']);
    const result = json() as { action: string; referral: Referral };
    expect(result.action).toBe('create');
    expect(result.referral.type).toBe(type);
    expect(result.referral.consent?.consentToShareReferralWithMicrosoftSellers).toBe(shared);
    expect(result.referral.inviteContext?.assistanceRequestCode).toBe(help);
    expect(result.referral.externalReferenceId).toBe(opportunityFixture(kind as 'cosell').opportunityid);
  });

  it('prints the problems that block sharing, with en-US messages, and exits 2', async () => {
    const record = opportunityFixture('cosell');
    record.parentcontactid = null;
    record.parentaccountid = { accountid: 'a', name: 'Fabrikam', address1_country: 'Brazil' };
    record.pcs_opportunity_pcs_microsoftsolution = [];
    const { code, err, json } = await cosell('preview', 'opportunity', write('blocked.json', record));
    expect([code, err]).toEqual([2, '']);
    expect(json()).toEqual({
      action: 'blocked',
      problems: [
        {
          code: 'countryNotIso2',
          table: 'account',
          column: 'address1_country',
          message:
            'The customer account’s country “Brazil” is not a two-letter ISO country code. Change it to a code such as US, BR or ES.',
        },
        {
          code: 'customerContactMissing',
          table: 'opportunity',
          column: 'parentcontactid',
          message:
            'Choose a customer contact on the opportunity: Microsoft needs someone to talk to when you ask for help.',
        },
        {
          code: 'solutionMissing',
          table: 'pcs_microsoftsolution',
          column: null,
          message: 'Add at least one Microsoft solution to the opportunity before sharing it with Microsoft.',
        },
      ],
    });
  });

  it('prints the JSON Patch against the current referral given with --referral', async () => {
    const record = opportunityFixture('private');
    record.pcs_helpneeded = HelpNeededOptions.GeneralOrOther;
    record.pcs_referralvisibility = null;
    record.parentcontactid = {
      firstname: 'Sue',
      lastname: 'Smith',
      emailaddress1: 's@contoso.com',
      telephone1: '1',
    };
    record.pcs_opportunity_pcs_microsoftsolution = [
      { pcs_solutionid: 'SOL-34104-EBB', pcs_name: 'Contoso CRM' },
    ];
    const created = (await cosell('preview', 'opportunity', fixture('private'))).json() as {
      referral: unknown;
    };
    const current = write('current.json', created.referral);
    const { code, json } = await cosell(
      'preview',
      'opportunity',
      write('now-cosell.json', record),
      '--referral',
      current,
    );
    expect(code).toBe(0);
    expect(json()).toEqual({
      action: 'update',
      patch: [
        {
          op: 'add',
          path: '/customerProfile/team',
          value: [{ firstName: 'Sue', lastName: 'Smith', email: 's@contoso.com', phoneNumber: '1' }],
        },
        { op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: true },
        { op: 'add', path: '/inviteContext', value: { assistanceRequestCode: 'GeneralOrOther' } },
        // The create body already had requirements (the marketplace intent attribute).
        {
          op: 'add',
          path: '/details/requirements/solutions',
          value: [{ type: 'Name', id: 'SOL-34104-EBB', name: 'Contoso CRM' }],
        },
      ],
    });
    const same = await cosell('preview', 'opportunity', fixture('private'), '--referral', current);
    expect(same.json()).toEqual({ action: 'none', reason: 'unchanged' });
  });

  it('prints the connected referral for Microsoft with --co-sell-creation two-step, refuses other flows', async () => {
    const { code, json } = await cosell(
      'preview',
      'opportunity',
      fixture('cosell'),
      '--co-sell-creation',
      'two-step',
    );
    expect(code).toBe(0);
    expect(json()).toMatchObject({
      action: 'create',
      referral: { type: 'Shared', target: [{ type: 'SolutionProfile', id: 'SOL-15974-MQF' }] },
      connected: { type: 'Shared', target: [{ type: 'BusinessProfileLocation', id: 'msft' }] },
    });
    const bad = await cosell('preview', 'opportunity', fixture('cosell'), '--co-sell-creation', 'three');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("cosell: --co-sell-creation: $: expected one-step or two-step, got 'three'\n");
  });

  it('decides as the push does: the ✔/✖ mark never reaches Partner Center', async () => {
    const marked = opportunityFixture('cosell');
    expect(marked.name).toMatch(/ ✔$/);
    const created = (await cosell('preview', 'opportunity', write('marked.json', marked))).json() as {
      referral: Referral;
    };
    expect(created.referral.name).toBe('Fabrikam – supply chain on Dynamics 365');
    // The relay flips ✔ to ✖ on a failed sync: a name change that is only the mark sends nothing.
    const failed = { ...marked, name: String(marked.name).replace(/✔$/, '✖') };
    const { json } = await cosell(
      'preview',
      'opportunity',
      write('failed-mark.json', failed),
      '--referral',
      write('current-marked.json', created.referral),
    );
    expect(json()).toEqual({ action: 'none', reason: 'unchanged' });
  });

  it('decides as the push does: a Closed referral takes no further changes', async () => {
    const record = opportunityFixture('cosell');
    const created = (await cosell('preview', 'opportunity', write('to-close.json', record))).json() as {
      referral: Referral;
    };
    const closed = write('closed.json', { ...created.referral, status: 'Closed', substatus: 'Won' });
    const edited = write('edited-after-close.json', { ...record, estimatedvalue: 999, description: 'later' });
    const result = await cosell('preview', 'opportunity', edited, '--referral', closed);
    expect([result.code, result.err]).toEqual([0, '']);
    expect(result.json()).toEqual({ action: 'none', reason: 'closed' });
  });

  it('uses a custom field map and the deal value override', async () => {
    const map = {
      ...DEFAULT_FIELD_MAP,
      entries: DEFAULT_FIELD_MAP.entries.filter((e) => e.referral !== 'details.notes'),
    };
    const record = { ...opportunityFixture('private'), new_dealvalue: 321 };
    const result = await cosell(
      'preview',
      'opportunity',
      write('custom.json', record),
      '--field-map',
      write('map.json', map),
      '--deal-value-field',
      'new_dealvalue',
    );
    const body = (result.json() as { referral: { details: Record<string, unknown> } }).referral.details;
    expect(body.dealValue).toBe(321);
    expect(body).not.toHaveProperty('notes');
  });

  it('rejects an invalid field map with one line naming the entry', async () => {
    const map = write('bad-map.json', {
      version: 1,
      entries: [{ referral: 'id', table: 'opportunity', column: 'pcs_referralid', direction: 'both' }],
    });
    const result = await cosell('preview', 'opportunity', fixture('private'), '--field-map', map);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toBe(`cosell: ${map}: $.entries[0]: id: direction must be 'toDataverse' for 'id'\n`);
  });

  it('rejects a record that is not a Web API opportunity, naming the path', async () => {
    const file = write('no-id.json', { name: 'x' });
    const result = await cosell('preview', 'opportunity', file);
    expect(result.err).toBe(
      `cosell: ${file}: $.opportunityid: expected the opportunity id (a GUID string)\n`,
    );
    expect(result.code).toBe(2);
  });
});
