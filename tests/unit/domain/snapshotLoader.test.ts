/**
 * The snapshot loader the PCF control and the form scripts share, over a typed fake of the Web API
 * port that answers like Dataverse (rows in Web API shape, `$select` honoured, etags), then checked
 * with the shared rules: what the loader reads is what the rules need, whichever host calls it.
 */
import {
  AccountColumns,
  HelpNeededOptions,
  OpportunityColumns,
  ReferralVisibility,
  SolutionKindOptions,
  Tables,
} from '../../../Domain/constants';
import { applyOverrides, DEFAULT_FIELD_MAP, mappedSelect, type FieldMap } from '../../../Domain/fieldMap';
import type { DataverseRecord } from '../../../Domain/opportunity';
import { checkSharingRules } from '../../../Domain/rules';
import { loadOpportunitySnapshot, loadStoredOpportunitySnapshot } from '../../../Domain/snapshotLoader';
import { bareRecordId, lookupValue, selectOption } from '../../../Domain/webApi';
import { FakeWebApi } from '../pcf/fakeContext';

const OPPORTUNITY_ID = '7d0ae5a2-1c3b-4f6e-9d8a-0b1c2d3e4f50';
const ACCOUNT_ID = 'a0000000-0000-0000-0000-000000000001';
const CONTACT_ID = 'c0000000-0000-0000-0000-000000000002';
const CURRENCY_ID = 'e0000000-0000-0000-0000-000000000003';

const storedOpportunity = (): DataverseRecord => ({
  '@odata.etag': 'W/"100"',
  opportunityid: OPPORTUNITY_ID,
  name: 'Contoso – Azure migration',
  description: 'Lift and shift',
  estimatedvalue: 25000,
  estimatedclosedate: '2025-06-30',
  pcs_referralvisibility: ReferralVisibility.visible,
  pcs_helpneeded: null,
  pcs_syncwithpartnercenter: false,
  _parentaccountid_value: ACCOUNT_ID,
  _parentcontactid_value: CONTACT_ID,
  _transactioncurrencyid_value: CURRENCY_ID,
});

const dataverse = () =>
  new FakeWebApi(
    {
      opportunity: { [OPPORTUNITY_ID]: storedOpportunity() },
      account: {
        [ACCOUNT_ID]: {
          '@odata.etag': 'W/"1001"',
          accountid: ACCOUNT_ID,
          name: 'Contoso Brasil',
          address1_city: 'São Paulo',
          address1_country: 'BR',
          pcs_countrycode: 'PT',
          telephone1: '+55 11 4000-0000',
        },
      },
      contact: {
        [CONTACT_ID]: {
          '@odata.etag': 'W/"1002"',
          contactid: CONTACT_ID,
          firstname: 'Ana',
          lastname: 'Souza',
          emailaddress1: 'ana@contoso.com',
          telephone1: '+55 11 5555-0100',
        },
      },
      transactioncurrency: { [CURRENCY_ID]: { '@odata.etag': 'W/"9"', isocurrencycode: 'BRL' } },
    },
    {
      pcs_microsoftsolution: [
        {
          entities: [{ '@odata.etag': 'W/"3"', pcs_solutionid: 'SOL-15974-MQF', pcs_name: 'Azure Migrate' }],
          nextLink: undefined as never,
        },
      ],
    },
  );

const calls = (api: FakeWebApi) => api.calls.map((c) => `${c.op} ${c.table} ${c.id ?? ''}`.trim());
const selected = (api: FakeWebApi, table: string) =>
  /\$select=([^&]+)/.exec(api.calls.find((c) => c.table === table)?.options ?? '')?.[1]?.split(',') ?? [];

describe('loadStoredOpportunitySnapshot for the PCF control (stored row by id, unsaved values on top)', () => {
  it('reads the opportunity, then its account, contact, currency and solutions', async () => {
    const api = dataverse();
    const snapshot = await loadStoredOpportunitySnapshot(
      api,
      DEFAULT_FIELD_MAP,
      `{${OPPORTUNITY_ID.toUpperCase()}}`,
      { [OpportunityColumns.syncWithPartnerCenter]: true },
    );
    expect(calls(api)).toEqual([
      `retrieve opportunity ${OPPORTUNITY_ID}`,
      `retrieve account ${ACCOUNT_ID}`,
      `retrieve contact ${CONTACT_ID}`,
      `retrieve transactioncurrency ${CURRENCY_ID}`,
      'retrieveMultiple pcs_microsoftsolution',
    ]);
    expect(snapshot.opportunity).toMatchObject({
      opportunityid: OPPORTUNITY_ID,
      name: 'Contoso – Azure migration',
      pcs_syncwithpartnercenter: true,
    });
    expect(snapshot.account).toMatchObject({ name: 'Contoso Brasil', address1_country: 'BR' });
    // Only what was selected comes back: the account phone is in no map entry and no rule.
    expect(snapshot.account).not.toHaveProperty('telephone1');
    expect(snapshot.contact).toMatchObject({
      emailaddress1: 'ana@contoso.com',
      telephone1: '+55 11 5555-0100',
    });
    expect(snapshot.currencyIsoCode).toBe('BRL');
    expect(snapshot.solutions).toEqual([
      { solutionId: 'SOL-15974-MQF', name: 'Azure Migrate', publisherName: null, services: false },
    ]);
    expect(checkSharingRules(snapshot, DEFAULT_FIELD_MAP)).toEqual([]);
  });

  it('selects the primary key, the mapped columns, visibility, help and the lookup values, each once', async () => {
    const api = dataverse();
    await loadStoredOpportunitySnapshot(api, DEFAULT_FIELD_MAP, OPPORTUNITY_ID, {});
    const columns = selected(api, Tables.opportunity);
    expect(columns[0]).toBe(OpportunityColumns.id);
    expect(columns).toEqual(expect.arrayContaining(mappedSelect(DEFAULT_FIELD_MAP, Tables.opportunity)));
    // The catalogue lookups (solution area, play, partner role) are read as their `_x_value`.
    expect(columns).toEqual(
      expect.arrayContaining([
        '_pcs_solutionareaid_value',
        '_pcs_solutionplayid_value',
        '_pcs_partnerroleid_value',
      ]),
    );
    expect(columns).toEqual(
      expect.arrayContaining([OpportunityColumns.referralVisibility, OpportunityColumns.helpNeeded]),
    );
    expect(columns).toEqual(
      expect.arrayContaining([
        '_parentaccountid_value',
        '_parentcontactid_value',
        '_transactioncurrencyid_value',
      ]),
    );
    expect(new Set(columns).size).toBe(columns.length);
    expect(api.calls[4]?.options).toBe(
      `?$select=pcs_solutionid,pcs_name&$filter=_pcs_opportunityid_value eq ${OPPORTUNITY_ID}` +
        '&$expand=pcs_solutiondetailid($select=pcs_solutionid,pcs_publishername,pcs_solutionkind)',
    );
  });

  it('reads the Solution ID through the catalogue lookup while the relay has not copied it yet', async () => {
    const api = dataverse();
    api.pages.pcs_microsoftsolution = [
      {
        entities: [
          // Just picked from the catalogue: the lookup is set, the row's own id not yet.
          {
            '@odata.etag': 'W/"4"',
            pcs_solutionid: null,
            pcs_name: null,
            pcs_solutiondetailid: { pcs_solutionid: 'SOL-15974-MQF' },
          },
          {
            '@odata.etag': 'W/"5"',
            pcs_solutionid: null,
            pcs_name: 'typed, no catalogue',
            pcs_solutiondetailid: null,
          },
        ],
        nextLink: undefined as never,
      },
    ];
    const snapshot = await loadStoredOpportunitySnapshot(api, DEFAULT_FIELD_MAP, OPPORTUNITY_ID, {});
    expect(snapshot.solutions).toEqual([
      { solutionId: 'SOL-15974-MQF', name: null, publisherName: null, services: false },
      { solutionId: '', name: 'typed, no catalogue', publisherName: null, services: false },
    ]);
    expect(checkSharingRules(snapshot, DEFAULT_FIELD_MAP)).toEqual([]);
  });

  it('reads each solution’s catalogue row: a Services solution on a co-sell needs area, play and role', async () => {
    const api = dataverse();
    const row = api.records.opportunity![OPPORTUNITY_ID]!;
    row.pcs_helpneeded = HelpNeededOptions.ProofOfConceptOrDemo;
    const solution = api.pages.pcs_microsoftsolution![0]!.entities[0]!;
    solution.pcs_solutiondetailid = {
      pcs_publishername: 'Contoso',
      pcs_solutionkind: SolutionKindOptions.services,
    };
    const snapshot = await loadStoredOpportunitySnapshot(api, DEFAULT_FIELD_MAP, OPPORTUNITY_ID, {});
    expect(snapshot.solutions[0]).toMatchObject({ publisherName: 'Contoso', services: true });
    expect(checkSharingRules(snapshot, DEFAULT_FIELD_MAP)).toEqual([
      { code: 'solutionAreaMissing', table: 'opportunity', column: 'pcs_solutionareaid' },
      { code: 'solutionPlayMissing', table: 'opportunity', column: 'pcs_solutionplayid' },
      { code: 'partnerRoleMissing', table: 'opportunity', column: 'pcs_partnerroleid' },
    ]);
    // The seller picks them on the form (unsaved lookups arrive as `_x_value`): nothing is missing.
    const picked = await loadStoredOpportunitySnapshot(api, DEFAULT_FIELD_MAP, OPPORTUNITY_ID, {
      _pcs_solutionareaid_value: 'a1000000-0000-0000-0000-000000000001',
      _pcs_solutionplayid_value: 'a1000000-0000-0000-0000-000000000002',
      _pcs_partnerroleid_value: 'a1000000-0000-0000-0000-000000000003',
    });
    expect(checkSharingRules(picked, DEFAULT_FIELD_MAP)).toEqual([]);
  });

  it('refuses an id that is not a GUID before reading anything', async () => {
    const api = dataverse();
    await expect(loadStoredOpportunitySnapshot(api, DEFAULT_FIELD_MAP, "x' or 1 eq 1", {})).rejects.toThrow(
      'Not a record id',
    );
    expect(api.calls).toEqual([]);
  });

  it('leaves account and contact null when the lookups are empty, so the rules report them', async () => {
    const api = dataverse();
    const row = api.records.opportunity![OPPORTUNITY_ID]!;
    row._parentaccountid_value = null;
    row._parentcontactid_value = null;
    row.pcs_helpneeded = 727100006;
    const snapshot = await loadStoredOpportunitySnapshot(api, DEFAULT_FIELD_MAP, OPPORTUNITY_ID, {});
    expect(snapshot.account).toBeNull();
    expect(snapshot.contact).toBeNull();
    expect(calls(api)).not.toContain(`retrieve account ${ACCOUNT_ID}`);
    expect(checkSharingRules(snapshot, DEFAULT_FIELD_MAP).map((p) => p.code)).toEqual(
      expect.arrayContaining(['accountMissing', 'customerContactMissing']),
    );
  });

  it('passes on a failed read as the platform reports it', async () => {
    const api = dataverse();
    delete api.records.account![ACCOUNT_ID];
    await expect(
      loadStoredOpportunitySnapshot(api, DEFAULT_FIELD_MAP, OPPORTUNITY_ID, {}),
    ).rejects.toMatchObject({ errorCode: 404 });
  });
});

describe('loadOpportunitySnapshot for the form scripts (the row as the form holds it)', () => {
  // What readOpportunityRecord makes of the form: Web API shape, lookups as _x_value, no etag.
  const formValues = (): DataverseRecord => {
    const { '@odata.etag': _etag, ...row } = storedOpportunity();
    return row;
  };

  it('reads only the related rows, with the columns of the map', async () => {
    const api = dataverse();
    const snapshot = await loadOpportunitySnapshot(api, DEFAULT_FIELD_MAP, formValues());
    expect(calls(api)).toEqual([
      `retrieve account ${ACCOUNT_ID}`,
      `retrieve contact ${CONTACT_ID}`,
      `retrieve transactioncurrency ${CURRENCY_ID}`,
      'retrieveMultiple pcs_microsoftsolution',
    ]);
    expect(api.calls[0]?.options).toBe(
      '?$select=accountid,name,address1_line1,address1_line2,address1_city,address1_stateorprovince,address1_postalcode,address1_country',
    );
    expect(api.calls[1]?.options).toBe('?$select=contactid,firstname,lastname,emailaddress1,telephone1');
    expect(api.calls[2]?.options).toBe('?$select=isocurrencycode');
    expect(snapshot.opportunity).toEqual(formValues());
    expect(checkSharingRules(snapshot, DEFAULT_FIELD_MAP)).toEqual([]);
  });

  it('builds the same snapshot as the control does from the stored row', async () => {
    const fromForm = await loadOpportunitySnapshot(dataverse(), DEFAULT_FIELD_MAP, formValues());
    const fromControl = await loadStoredOpportunitySnapshot(
      dataverse(),
      DEFAULT_FIELD_MAP,
      OPPORTUNITY_ID,
      {},
    );
    const { opportunity: _a, ...relatedFromForm } = fromForm;
    const { opportunity: _b, ...relatedFromControl } = fromControl;
    expect(relatedFromForm).toEqual(relatedFromControl);
    expect(checkSharingRules(fromForm, DEFAULT_FIELD_MAP)).toEqual(
      checkSharingRules(fromControl, DEFAULT_FIELD_MAP),
    );
  });

  it('reads no solutions for a new record (no id yet): there can be none', async () => {
    const api = dataverse();
    const snapshot = await loadOpportunitySnapshot(api, DEFAULT_FIELD_MAP, {
      ...formValues(),
      [OpportunityColumns.id]: null,
    });
    expect(calls(api)).not.toContain('retrieveMultiple pcs_microsoftsolution');
    expect(snapshot.solutions).toEqual([]);
    expect(checkSharingRules(snapshot, DEFAULT_FIELD_MAP).map((p) => p.code)).toEqual(['solutionMissing']);
  });

  it('reads the column an override points the country at, and the rules check that one', async () => {
    const map = applyOverrides(DEFAULT_FIELD_MAP, { countryCodeFieldName: 'pcs_countrycode' });
    const api = dataverse();
    const snapshot = await loadOpportunitySnapshot(api, map, formValues());
    expect(selected(api, Tables.account)).toContain('pcs_countrycode');
    expect(selected(api, Tables.account)).not.toContain(AccountColumns.country);
    expect(snapshot.account).toMatchObject({ pcs_countrycode: 'PT' });
    expect(checkSharingRules(snapshot, map)).toEqual([]);
  });

  it('reads no column the map does not name, as the relay does, so both report the same problem', async () => {
    // A customized map without the address entries: the relay reads no country, and neither does the form.
    const map: FieldMap = {
      ...DEFAULT_FIELD_MAP,
      entries: DEFAULT_FIELD_MAP.entries.filter((e) => e.table !== Tables.account),
    };
    const api = dataverse();
    const snapshot = await loadOpportunitySnapshot(api, map, formValues());
    expect(selected(api, Tables.account)).toEqual([AccountColumns.id]);
    expect(snapshot.account).toEqual({ '@odata.etag': 'W/"1001"', accountid: ACCOUNT_ID });
    expect(checkSharingRules(snapshot, map)).toEqual([
      { code: 'countryMissing', table: 'account', column: AccountColumns.country },
    ]);
  });
});

describe('Web API helpers', () => {
  it('takes braced upper-case ids to the bare GUID and refuses anything else', () => {
    expect(bareRecordId(`{${OPPORTUNITY_ID.toUpperCase()}}`)).toBe(OPPORTUNITY_ID);
    expect(() => bareRecordId('')).toThrow('Not a record id');
    expect(() => bareRecordId(`${OPPORTUNITY_ID}) or (1 eq 1`)).toThrow('Not a record id');
  });

  it('names lookup values and selects each column once', () => {
    expect(lookupValue(OpportunityColumns.parentAccount)).toBe('_parentaccountid_value');
    expect(selectOption(['a', 'b', 'a'])).toBe('?$select=a,b');
  });
});
