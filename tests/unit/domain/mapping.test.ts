import { applyPatch, deepClone } from 'fast-json-patch';
import {
  applyOverrides,
  DEFAULT_FIELD_MAP,
  fromReferral,
  HelpNeededOptions,
  MarketplaceIntentOptions,
  odataQueryString,
  opportunityQuery,
  parseFieldMap,
  parseReferral,
  referralLink,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  ReferralVisibility,
  snapshotFromWebApi,
  SolutionKindOptions,
  stripCheckmark,
  toReferralCreate,
  toReferralPatch,
  ValidationError,
  type Referral,
} from '../../../Domain';
import { opportunityFixture, partnerCenter } from '../../testkit/fixtureFiles';

const snapshot = (kind: 'cosell' | 'partnerled' | 'private') => snapshotFromWebApi(opportunityFixture(kind));
const map = DEFAULT_FIELD_MAP;

describe('snapshotFromWebApi', () => {
  it('unpacks the expanded account, contact, currency and solution rows', () => {
    const s = snapshot('cosell');
    expect(s.account).toMatchObject({ name: 'Fabrikam Customer Inc', address1_country: 'BR' });
    expect(s.contact).toMatchObject({ firstname: 'Ana', emailaddress1: 'ana.souza@fabrikam.example' });
    expect(s.currencyIsoCode).toBe('BRL');
    expect(s.solutions).toEqual([
      {
        solutionId: 'SOL-15974-MQF',
        name: 'Contoso Field Service Accelerator',
        publisherName: null,
        services: false,
      },
      { solutionId: 'SOL-2173-UYM', name: 'Contoso Copilot Starter', publisherName: null, services: false },
    ]);
    expect(s.opportunity).toMatchObject({
      opportunityid: '8f0a3c52-1d2e-4b6f-9a77-0c5e2b9d4a11',
      estimatedvalue: 125000.5,
    });
    expect(Object.keys(s.opportunity)).not.toEqual(
      expect.arrayContaining(['parentaccountid', 'pcs_opportunity_pcs_microsoftsolution@odata.nextLink']),
    );
  });

  it('takes the publisher and the Services kind from an expanded solution detail when present', () => {
    const record = opportunityFixture('partnerled');
    (record.pcs_opportunity_pcs_microsoftsolution as Record<string, unknown>[])[0]!.pcs_solutiondetailid = {
      pcs_publishername: 'Contoso Ltd',
      pcs_solutionkind: SolutionKindOptions.services,
    };
    expect(snapshotFromWebApi(record).solutions[0]).toMatchObject({
      publisherName: 'Contoso Ltd',
      services: true,
    });
  });

  it('rejects records of the wrong shape naming the path', () => {
    const bad = (mutate: (r: Record<string, unknown>) => void) => {
      const r = opportunityFixture('cosell');
      mutate(r);
      try {
        snapshotFromWebApi(r);
      } catch (error) {
        return (error as ValidationError).path;
      }
      return 'no error';
    };
    expect(bad((r) => delete r.opportunityid)).toBe('$.opportunityid');
    expect(bad((r) => (r.parentaccountid = 'x'))).toBe('$.parentaccountid');
    expect(bad((r) => (r.pcs_opportunity_pcs_microsoftsolution = {}))).toBe(
      '$.pcs_opportunity_pcs_microsoftsolution',
    );
    expect(
      bad((r) => ((r.pcs_opportunity_pcs_microsoftsolution as object[])[1] = { pcs_solutionid: 7 })),
    ).toBe('$.pcs_opportunity_pcs_microsoftsolution[1].pcs_solutionid');
    expect(() => snapshotFromWebApi([] as never)).toThrow(ValidationError);
  });
});

describe('opportunityQuery', () => {
  it('selects the mapped and sync columns and expands the related rows by navigation name', () => {
    expect(odataQueryString(opportunityQuery(map))).toBe(
      '?$select=opportunityid,name,estimatedvalue,estimatedclosedate,description,pcs_referralvisibility,' +
        'pcs_helpneeded,pcs_referralstatus,pcs_referralsubstatus,pcs_microsoftcrmid,pcs_engagementid,pcs_referralid,' +
        '_pcs_solutionareaid_value,_pcs_solutionplayid_value,_pcs_partnerroleid_value,pcs_customermarketplaceintent,' +
        'pcs_syncwithpartnercenter,pcs_referrallink,pcs_syncstatus,pcs_lastsyncedon,statecode,statuscode,modifiedon,' +
        'pcs_audit,pcs_referralexpireson,pcs_referralexpiryestimated,pcs_microsoftsellername,' +
        'pcs_microsoftselleremail,pcs_microsoftengagedon,pcs_microsoftnotes' +
        '&$expand=parentaccountid($select=accountid,name,address1_line1,address1_line2,address1_city,' +
        'address1_stateorprovince,address1_postalcode,address1_country),' +
        'parentcontactid($select=contactid,firstname,lastname,emailaddress1,telephone1),' +
        'transactioncurrencyid($select=isocurrencycode),' +
        'pcs_opportunity_pcs_microsoftsolution($select=pcs_solutionid,pcs_name,pcs_publishername;' +
        '$expand=pcs_solutiondetailid($select=pcs_publishername,pcs_solutionkind)),' +
        'pcs_solutionareaid($select=pcs_code),pcs_solutionplayid($select=pcs_code),pcs_partnerroleid($select=pcs_code)',
    );
  });

  it('follows the environment-variable overrides', () => {
    const q = odataQueryString(
      opportunityQuery(
        applyOverrides(map, { dealValueFieldName: 'new_deal', countryCodeFieldName: 'new_iso' }),
      ),
    );
    expect(q).toContain(',new_deal,');
    expect(q).not.toContain('estimatedvalue');
    expect(q).toContain('address1_postalcode,new_iso)');
  });
});

describe('toReferralCreate', () => {
  it('builds a co-sell referral: shared, consent, help code, customer contact, solutions', () => {
    const body = toReferralCreate(snapshot('cosell'), map);
    expect(body).toEqual({
      name: 'Fabrikam – supply chain on Dynamics 365',
      type: 'Shared',
      qualification: 'SalesQualified',
      externalReferenceId: '8f0a3c52-1d2e-4b6f-9a77-0c5e2b9d4a11',
      customerProfile: {
        name: 'Fabrikam Customer Inc',
        address: {
          addressLine1: '1 Harbour Road',
          city: 'São Paulo',
          state: 'SP',
          postalCode: '01310-100',
          country: 'BR',
        },
        team: [
          {
            firstName: 'Ana',
            lastName: 'Souza',
            email: 'ana.souza@fabrikam.example',
            phoneNumber: '+55 11 5555 0100',
          },
        ],
      },
      consent: {
        consentToToShareInfoWithOthers: true,
        consentToContact: true,
        consentToShareReferralWithMicrosoftSellers: true,
      },
      details: {
        dealValue: 125000.5,
        currency: 'BRL',
        closingDateTime: '2025-11-14T00:00:00Z',
        notes: 'Customer wants field service and a Copilot pilot.',
        requirements: {
          solutions: [
            { type: 'Name', id: 'SOL-15974-MQF', name: 'Contoso Field Service Accelerator' },
            { type: 'Name', id: 'SOL-2173-UYM', name: 'Contoso Copilot Starter' },
          ],
          // No intent on the opportunity: the map's default, as the current create example sends it.
          additionalRequirements: {
            attributes: [{ type: 'CustomerMarketplaceIntent', id: 'HaveNotDecided' }],
          },
        },
      },
      inviteContext: { assistanceRequestCode: 'ProofOfConceptOrDemo' },
      target: [],
    });
    // What we send passes our own inbound validation (same schema Partner Center documents).
    expect(parseReferral(body)).toEqual(body);
  });

  it('builds a partner-led referral: shared with Microsoft sellers, no help code, no contact needed', () => {
    const body = toReferralCreate(snapshot('partnerled'), map);
    expect(body).toMatchObject({
      type: 'Shared',
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      details: { dealValue: 48000, currency: 'EUR', closingDateTime: '2025-09-30T00:00:00Z' },
      customerProfile: { name: 'Northwind Traders', address: { country: 'ES' } },
    });
    expect(body.inviteContext).toBeUndefined();
    expect(body.customerProfile?.team).toBeUndefined();
    expect(body.details?.notes).toBeUndefined();
  });

  it('builds a private referral: independent, not shared with Microsoft sellers', () => {
    const body = toReferralCreate(snapshot('private'), map);
    expect(body).toMatchObject({
      name: 'Tailspin – Teams rollout',
      type: 'Independent',
      consent: {
        consentToToShareInfoWithOthers: true,
        consentToContact: true,
        consentToShareReferralWithMicrosoftSellers: false,
      },
      details: { dealValue: 9500, currency: 'USD', notes: 'Internal only.' },
    });
    expect(body.details?.requirements?.solutions).toBeUndefined();
    expect(body.inviteContext).toBeUndefined();
  });

  it('never sends the sync checkmark, and normalizes date-times to UTC', () => {
    const s = snapshot('private');
    s.opportunity.name = 'Tailspin ✖';
    s.opportunity.estimatedclosedate = '2026-01-15T10:30:00.000+02:00';
    const body = toReferralCreate(s, map);
    expect(body.name).toBe('Tailspin');
    expect(body.details?.closingDateTime).toBe('2026-01-15T08:30:00Z');
  });

  it('reads the deal value from the column named by pcs_DealValueFieldName', () => {
    const s = snapshot('private');
    s.opportunity.new_deal = 777;
    const body = toReferralCreate(s, applyOverrides(map, { dealValueFieldName: 'new_deal' }));
    expect(body.details?.dealValue).toBe(777);
  });
});

/** What Partner Center holds after creating the co-sell body (plus server fields, 7-digit fraction). */
function storedCosell(): Referral {
  const body = deepClone(toReferralCreate(snapshot('cosell'), map)) as Referral;
  body.id = 'c5fbb3b6-be74-4795-9fb5-4324c73fed37';
  body.eTag = '"2500ec5a-0000-0000-0000-5bf4967d0000"';
  body.status = 'Active';
  body.details!.closingDateTime = '2025-11-14T00:00:00.0000000Z';
  body.customerProfile!.team!.push({ firstName: 'Joe', lastName: 'Hansen', email: 'joe@fabrikam.example' });
  return body;
}

/** Apply our ops with a real JSON Patch implementation; every op must be replace/add and apply cleanly. */
function applied(current: Referral, ops: ReturnType<typeof toReferralPatch>): Referral {
  expect(ops.every((o) => o.op === 'replace' || o.op === 'add')).toBe(true);
  return applyPatch(deepClone(current), deepClone(ops) as never, true).newDocument as Referral;
}

describe('toReferralPatch', () => {
  it('sends nothing when Partner Center already holds what the opportunity says', () => {
    expect(toReferralPatch(snapshot('cosell'), map, storedCosell())).toEqual([]);
  });

  it('replaces changed scalar values only', () => {
    const s = snapshot('cosell');
    s.opportunity.estimatedvalue = 130000;
    s.opportunity.estimatedclosedate = '2025-12-01';
    s.opportunity.name = 'Fabrikam – renamed ✔';
    const current = storedCosell();
    const ops = toReferralPatch(s, map, current);
    expect(ops).toEqual([
      { op: 'replace', path: '/name', value: 'Fabrikam – renamed' },
      { op: 'replace', path: '/details/dealValue', value: 130000 },
      { op: 'replace', path: '/details/closingDateTime', value: '2025-12-01T00:00:00Z' },
    ]);
    expect(applied(current, ops).details).toMatchObject({
      dealValue: 130000,
      closingDateTime: '2025-12-01T00:00:00Z',
    });
  });

  it('clears notes with an empty string and never removes anything', () => {
    const s = snapshot('cosell');
    s.opportunity.description = null;
    s.opportunity.estimatedvalue = null;
    expect(toReferralPatch(s, map, storedCosell())).toEqual([
      { op: 'replace', path: '/details/notes', value: '' },
    ]);
  });

  it('replaces the solutions as a whole array when the set differs (order does not matter)', () => {
    const s = snapshot('cosell');
    s.solutions.reverse();
    expect(toReferralPatch(s, map, storedCosell())).toEqual([]);
    s.solutions = [{ solutionId: 'SOL-99999-NEW', name: 'New one' }];
    const current = storedCosell();
    const ops = toReferralPatch(s, map, current);
    expect(ops).toEqual([
      {
        op: 'replace',
        path: '/details/requirements/solutions',
        value: [{ type: 'Name', id: 'SOL-99999-NEW', name: 'New one' }],
      },
    ]);
    expect(applied(current, ops).details?.requirements?.solutions).toHaveLength(1);
  });

  it('adds what the current referral lacks at the first missing level', () => {
    const current = storedCosell();
    delete current.details!.requirements;
    delete current.details!.notes;
    const ops = toReferralPatch(snapshot('cosell'), map, current);
    expect(ops).toEqual([
      { op: 'add', path: '/details/notes', value: 'Customer wants field service and a Copilot pilot.' },
      {
        op: 'add',
        path: '/details/requirements',
        value: { solutions: toReferralCreate(snapshot('cosell'), map).details!.requirements!.solutions },
      },
    ]);
    expect(applied(current, ops).details?.requirements?.solutions).toHaveLength(2);
  });

  it('replaces the customer team with member 0 updated and the others kept', () => {
    const s = snapshot('cosell');
    s.contact = { ...s.contact, telephone1: '+55 11 5555 0199' };
    const current = storedCosell();
    const ops = toReferralPatch(s, map, current);
    expect(ops).toEqual([
      {
        op: 'replace',
        path: '/customerProfile/team',
        value: [
          {
            firstName: 'Ana',
            lastName: 'Souza',
            email: 'ana.souza@fabrikam.example',
            phoneNumber: '+55 11 5555 0199',
          },
          { firstName: 'Joe', lastName: 'Hansen', email: 'joe@fabrikam.example' },
        ],
      },
    ]);
    expect(applied(current, ops).customerProfile?.team?.[1]?.firstName).toBe('Joe');
  });

  it('shares a private deal with Microsoft and asks for help, but never takes either back', () => {
    const stored = deepClone(toReferralCreate(snapshot('private'), map)) as Referral;
    const s = snapshot('private');
    s.opportunity.pcs_referralvisibility = ReferralVisibility.visible;
    s.opportunity.pcs_helpneeded = HelpNeededOptions.QuotesOrLicensing;
    const ops = toReferralPatch(s, map, stored);
    expect(ops).toEqual([
      { op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: true },
      { op: 'add', path: '/inviteContext', value: { assistanceRequestCode: 'QuotesOrLicensing' } },
    ]);
    const shared = applied(stored, ops);
    expect(toReferralPatch(snapshot('private'), map, shared)).toEqual([]);
  });

  it('never patches status or other server-owned values', () => {
    const current = storedCosell();
    current.status = 'Closed';
    current.substatus = 'Won';
    current.trackingInfo = { microsoftMsxId: '7-XYZ' };
    expect(toReferralPatch(snapshot('cosell'), map, current)).toEqual([]);
  });

  it('patches the real create response of the Partner Center docs towards our opportunity', () => {
    const current = parseReferral(partnerCenter('referral-create.response.json'));
    const ops = toReferralPatch(snapshot('cosell'), map, current);
    expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual([
      'replace /name',
      'replace /details/dealValue',
      'replace /details/currency',
      'add /details/closingDateTime',
      'replace /details/notes',
      'replace /customerProfile/team',
      'add /consent/consentToShareReferralWithMicrosoftSellers',
      'add /inviteContext/assistanceRequestCode',
      'replace /details/requirements/solutions',
    ]);
    const after = applied(current, ops);
    expect(toReferralPatch(snapshot('cosell'), map, after)).toEqual([]);
    // Fields Partner Center does not let us edit stay as they were.
    expect(after.customerProfile?.name).toBe('Contoso Customer Inc');
  });
});

describe('fromReferral', () => {
  const getById = () => parseReferral(partnerCenter('referral-get-by-id.response.json'));

  it('writes an incoming private (independent) referral onto a new opportunity, account and solutions', () => {
    const writes = fromReferral(getById(), map, { policy: 'opportunity' });
    expect(writes).toEqual({
      target: 'opportunity',
      record: {
        name: 'Partner Center referral',
        estimatedvalue: 10000,
        estimatedclosedate: '2020-12-01',
        description:
          'We are interested in deploying Microsoft 365 and are looking forsupport in training our employees. Can you help?',
        pcs_referralstatus: ReferralStatusOptions.New,
        pcs_referralsubstatus: ReferralSubstatusOptions.Pending,
        pcs_engagementid: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
        pcs_referralid: 'c5fbb3b6-be74-4795-9fb5-4324c73fed37',
        pcs_referrallink: referralLink('c5fbb3b6-be74-4795-9fb5-4324c73fed37'),
        pcs_syncwithpartnercenter: true,
        // The referral states no intent: the map's default.
        pcs_customermarketplaceintent: MarketplaceIntentOptions.HaveNotDecided,
      },
      account: {
        name: 'Fabrikam Customer Inc',
        address1_line1: 'One Microsoft Way',
        address1_line2: null,
        address1_city: 'Redmond',
        address1_stateorprovince: 'WA',
        address1_postalcode: '98052',
        address1_country: 'US',
      },
      contact: null,
      currencyIsoCode: 'USD',
      solutions: [{ solutionId: 'SOL-Microsoft365', name: 'Microsoft365', publisherName: null }],
    });
  });

  it('maps visibility and help of partner-led and co-sell referrals to our option values', () => {
    const partnerLed = { ...getById(), consent: { consentToShareReferralWithMicrosoftSellers: true } };
    expect(fromReferral(partnerLed, map, { policy: 'opportunity' }).record).toMatchObject({
      pcs_referralvisibility: ReferralVisibility.visible,
    });
    expect(fromReferral(partnerLed, map, { policy: 'opportunity' }).record).not.toHaveProperty(
      'pcs_helpneeded',
    );

    const coSell = {
      ...partnerLed,
      inviteContext: { assistanceRequestCode: 'CustomerTechnicalArchitecture' },
      trackingInfo: { microsoftMsxId: '7-3FJ2K9' },
      customerProfile: {
        ...getById().customerProfile,
        team: [{ firstName: 'Sue', email: 'sue@contoso.com' }],
      },
    };
    const writes = fromReferral(coSell, map, { policy: 'opportunity' });
    expect(writes.record).toMatchObject({
      pcs_referralvisibility: ReferralVisibility.visible,
      pcs_helpneeded: HelpNeededOptions.CustomerTechnicalArchitecture,
      pcs_microsoftcrmid: '7-3FJ2K9',
    });
    expect(writes.contact).toEqual({ firstname: 'Sue', emailaddress1: 'sue@contoso.com' });

    const noHelp = {
      ...coSell,
      inviteContext: { assistanceRequestCode: 'Unknown' },
      consent: { consentToShareReferralWithMicrosoftSellers: false },
    };
    expect(fromReferral(noHelp, map, { policy: 'opportunity' }).record).toMatchObject({
      pcs_helpneeded: null,
      pcs_referralvisibility: ReferralVisibility.notVisible,
    });
  });

  it('lands on lead columns under the lead policy', () => {
    const referral = parseReferral(partnerCenter('referral-create.response.json'));
    expect(fromReferral(referral, map, { policy: 'lead' })).toEqual({
      target: 'lead',
      record: {
        subject: 'Test Cosell Invite_20',
        companyname: 'Contoso Customer Inc',
        firstname: 'Sue',
        lastname: 'Smith',
        emailaddress1: 'sue.smith@contoso.com',
        telephone1: '1234567890',
        budgetamount: 50000,
        description: referral.details!.notes,
        pcs_referralstatus: ReferralStatusOptions.Active,
        pcs_referralsubstatus: ReferralSubstatusOptions.Accepted,
        pcs_referralid: '4111fffc-f9ee-4d53-bba6-569135228642',
        pcs_referrallink: referralLink('4111fffc-f9ee-4d53-bba6-569135228642'),
        pcs_syncwithpartnercenter: true,
      },
      account: null,
      contact: null,
      currencyIsoCode: 'USD',
      solutions: [],
    });
  });

  it('keeps an existing record on its table and leaves its sync switch alone', () => {
    const writes = fromReferral(getById(), map, { policy: 'lead', existingTarget: 'opportunity' });
    expect(writes.target).toBe('opportunity');
    expect(writes.record).not.toHaveProperty('pcs_syncwithpartnercenter');
  });

  it('round-trips every deal type: Dataverse → referral → Dataverse gives the same columns', () => {
    for (const kind of ['cosell', 'partnerled', 'private'] as const) {
      const s = snapshot(kind);
      const writes = fromReferral(toReferralCreate(s, map), map, {
        policy: 'opportunity',
        existingTarget: 'opportunity',
      });
      expect(writes.record.name).toBe(stripCheckmark(s.opportunity.name as string));
      const columns = ['estimatedvalue', 'estimatedclosedate', 'description', 'pcs_referralvisibility'];
      for (const c of columns)
        expect([kind, c, writes.record[c] ?? null]).toEqual([kind, c, s.opportunity[c]]);
      expect(writes.record.pcs_helpneeded ?? null).toEqual(s.opportunity.pcs_helpneeded);
      expect(writes.currencyIsoCode).toBe(s.currencyIsoCode);
      expect(writes.solutions.map((x) => x.solutionId)).toEqual(s.solutions.map((x) => x.solutionId));
      expect(writes.contact).toEqual(
        s.contact ? { ...s.contact, '@odata.etag': undefined, contactid: undefined } : null,
      );
    }
  });
});

describe('current referral fields: solution area, play, partner role, marketplace intent', () => {
  const ids = {
    area: '5e2c1a40-0000-4000-8000-000000000001',
    play: '5e2c1a40-0000-4000-8000-000000000002',
    role: '5e2c1a40-0000-4000-8000-000000000003',
  };
  /** The co-sell fixture as the relay reads it with the catalogue lookups set (expanded to their codes). */
  const withFields = (intent: number | null = MarketplaceIntentOptions.Yes) => {
    const record = opportunityFixture('cosell');
    Object.assign(record, {
      _pcs_solutionareaid_value: ids.area,
      pcs_solutionareaid: { pcs_code: 'CloudAndAIPlatforms', pcs_referralattributeid: ids.area },
      _pcs_solutionplayid_value: ids.play,
      pcs_solutionplayid: { pcs_code: 'MigrateAndModernize', pcs_referralattributeid: ids.play },
      _pcs_partnerroleid_value: ids.role,
      pcs_partnerroleid: { pcs_code: 'ServicesPartner', pcs_referralattributeid: ids.role },
      pcs_customermarketplaceintent: intent,
    });
    return snapshotFromWebApi(record);
  };
  const attributes = (referral: Referral) =>
    referral.details?.requirements?.additionalRequirements?.attributes;

  it('sends the catalogue codes and the intent id as attributes, as the current create example does', () => {
    expect(attributes(toReferralCreate(withFields(), map))).toEqual([
      { type: 'SolutionArea', id: 'CloudAndAIPlatforms' },
      { type: 'SolutionPlay', id: 'MigrateAndModernize' },
      { type: 'PartnerRole', id: 'ServicesPartner' },
      { type: 'CustomerMarketplaceIntent', id: 'Yes' },
    ]);
    // Nothing chosen: no area / play / role, and the intent the example sends.
    expect(attributes(toReferralCreate(snapshot('cosell'), map))).toEqual([
      { type: 'CustomerMarketplaceIntent', id: 'HaveNotDecided' },
    ]);
  });

  it('moves with the field map: top-level properties when a customizer names those paths', () => {
    const moved = {
      version: 1 as const,
      entries: map.entries.map((e) =>
        e.column === 'pcs_solutionareaid'
          ? { ...e, referral: 'solutionArea' }
          : e.column === 'pcs_customermarketplaceintent'
            ? {
                ...e,
                referral: 'customerMarketplaceIntent',
                valueMap: { ...e.valueMap, WillPurchase: 727100000 },
              }
            : e,
      ),
    };
    expect(parseFieldMap(moved).ok).toBe(true);
    const body = toReferralCreate(withFields(), moved) as Record<string, unknown>;
    expect(body.solutionArea).toBe('CloudAndAIPlatforms');
    expect(body.customerMarketplaceIntent).toBe('Yes');
    expect(attributes(body as Referral)).toEqual([
      { type: 'SolutionPlay', id: 'MigrateAndModernize' },
      { type: 'PartnerRole', id: 'ServicesPartner' },
    ]);
  });

  it('patches a changed value inside its attribute item, and adds a missing item at the end', () => {
    const current = {
      ...storedCosell(),
      details: {
        ...storedCosell().details,
        requirements: {
          ...storedCosell().details?.requirements,
          additionalRequirements: {
            iot: {},
            attributes: [
              { id: 'HaveNotDecided', type: 'CustomerMarketplaceIntent' },
              { id: 'Security', type: 'SolutionArea' },
            ],
          },
        },
      },
    } as Referral;
    const ops = toReferralPatch(withFields(MarketplaceIntentOptions.No), map, current);
    expect(ops).toEqual([
      {
        op: 'replace',
        path: '/details/requirements/additionalRequirements/attributes/1/id',
        value: 'CloudAndAIPlatforms',
      },
      {
        op: 'add',
        path: '/details/requirements/additionalRequirements/attributes/-',
        value: { type: 'SolutionPlay', id: 'MigrateAndModernize' },
      },
      {
        op: 'add',
        path: '/details/requirements/additionalRequirements/attributes/-',
        value: { type: 'PartnerRole', id: 'ServicesPartner' },
      },
      { op: 'replace', path: '/details/requirements/additionalRequirements/attributes/0/id', value: 'No' },
    ]);
    // Applied one after the other, they leave nothing to send.
    expect(toReferralPatch(withFields(MarketplaceIntentOptions.No), map, applied(current, ops))).toEqual([]);
  });

  it('never patches the intent default into an existing referral', () => {
    expect(toReferralPatch(snapshot('cosell'), map, storedCosell())).toEqual([]);
    // An incoming referral without an intent wrote "Have not decided" on the opportunity: no echo back.
    const s = snapshot('cosell');
    s.opportunity.pcs_customermarketplaceintent = MarketplaceIntentOptions.HaveNotDecided;
    expect(toReferralPatch(s, map, storedCosell())).toEqual([]);
  });

  it('reads them back from an incoming referral: codes for the relay to bind, the intent as its option', () => {
    const incoming = parseReferral({
      ...(partnerCenter('referral-get-by-id.response.json') as object),
      details: {
        requirements: {
          additionalRequirements: {
            attributes: [
              { type: 'SolutionArea', id: 'Security' },
              { type: 'PartnerRole', id: 'ServicesPartner' },
              { type: 'CustomerMarketplaceIntent', id: 'No' },
            ],
          },
        },
      },
    });
    const writes = fromReferral(incoming, map, { policy: 'opportunity' });
    expect(writes.referralAttributes).toEqual([
      { column: 'pcs_solutionareaid', category: 'solutionArea', code: 'Security' },
      { column: 'pcs_partnerroleid', category: 'partnerRole', code: 'ServicesPartner' },
    ]);
    expect(writes.record.pcs_customermarketplaceintent).toBe(MarketplaceIntentOptions.No);
    expect(writes.record).not.toHaveProperty('pcs_solutionareaid');
  });

  it('refuses a catalogue path on a table other than opportunity', () => {
    const bad = {
      version: 1,
      entries: [{ referral: 'solutionArea', table: 'account', column: 'new_area', direction: 'both' }],
    };
    expect(parseFieldMap(bad)).toMatchObject({
      ok: false,
      errors: [{ entry: 0, message: expect.stringContaining('pcs_referralattribute') }],
    });
  });
});
