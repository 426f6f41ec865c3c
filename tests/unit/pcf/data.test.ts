import {
  DEFAULT_FIELD_MAP,
  EntitySets,
  OpportunityColumns,
  SyncDirection,
  SyncOutcome,
  checkSharingRules,
} from '../../../Domain';
import {
  SYNC_EVENT_PAGE_SIZE,
  nextPageOptions,
  syncEventsQuery,
  webApiData,
} from '../../../PCFControls/PartnerCenterSync/data';
import { FakeWebApi, OPPORTUNITY_ID } from './fakeContext';

const ACCOUNT_ID = 'a0000000-0000-0000-0000-000000000001';
const CONTACT_ID = 'c0000000-0000-0000-0000-000000000002';
const CURRENCY_ID = 'e0000000-0000-0000-0000-000000000003';

// Rows shaped as the Web API returns them (lookup values as _x_value, choices as numbers, annotations).
const webApi = () =>
  new FakeWebApi(
    {
      opportunity: {
        [OPPORTUNITY_ID]: {
          '@odata.etag': 'W/"100"',
          opportunityid: OPPORTUNITY_ID,
          name: 'Contoso – Azure migration',
          estimatedvalue: 25000,
          estimatedclosedate: '2025-06-30',
          pcs_referralvisibility: 727100001,
          pcs_helpneeded: 727100002,
          pcs_syncwithpartnercenter: false,
          _parentaccountid_value: ACCOUNT_ID,
          _parentcontactid_value: CONTACT_ID,
          _transactioncurrencyid_value: CURRENCY_ID,
        },
      },
      account: { [ACCOUNT_ID]: { accountid: ACCOUNT_ID, name: 'Contoso', address1_country: 'BR' } },
      contact: {
        [CONTACT_ID]: {
          contactid: CONTACT_ID,
          firstname: 'Ana',
          lastname: 'Souza',
          emailaddress1: 'ana@contoso.com',
          telephone1: '+55 11 5555-0100',
        },
      },
      transactioncurrency: { [CURRENCY_ID]: { isocurrencycode: 'BRL' } },
    },
    {
      pcs_microsoftsolution: [
        {
          entities: [{ pcs_solutionid: 'SOL-15974-MQF', pcs_name: 'Azure Migrate' }],
          nextLink: undefined as never,
        },
      ],
      pcs_syncevent: [
        {
          entities: [
            {
              pcs_synceventid: 'e2',
              pcs_direction: SyncDirection.toPartnerCenter,
              pcs_outcome: SyncOutcome.failed,
              pcs_occurredon: '2025-03-10T11:58:00Z',
              pcs_message: 'Country "Brasil" is not ISO-2',
            },
          ],
          nextLink: `https://contoso.crm.dynamics.com/api/data/v9.2/${EntitySets.pcs_syncevent}?$select=pcs_name&$skiptoken=%3Ccookie%20page=1%3E`,
        },
        {
          entities: [
            {
              pcs_synceventid: 'e1',
              pcs_direction: SyncDirection.toDataverse,
              pcs_outcome: SyncOutcome.succeeded,
              pcs_occurredon: '2025-03-10T11:00:00Z',
              pcs_name: 'referral-updated',
            },
          ],
          nextLink: undefined as never,
        },
      ],
    },
  );

describe('queries', () => {
  it('filters sync events by the opportunity lookup, newest first, and refuses what is not an id', () => {
    expect(() => syncEventsQuery("x' or 1 eq 1")).toThrow('Not a record id');
    expect(syncEventsQuery(`{${OPPORTUNITY_ID.toUpperCase()}}`)).toBe(
      '?$select=pcs_name,pcs_direction,pcs_outcome,pcs_message,pcs_occurredon' +
        `&$filter=_pcs_opportunityid_value eq ${OPPORTUNITY_ID}&$orderby=pcs_occurredon desc`,
    );
  });

  it('continues paging with the query part of nextLink', () => {
    expect(nextPageOptions('https://org.crm.dynamics.com/api/data/v9.2/pcs_syncevents?$skiptoken=abc')).toBe(
      '?$skiptoken=abc',
    );
    expect(nextPageOptions(undefined)).toBeNull();
  });
});

describe('webApiData', () => {
  it('builds the snapshot from the opportunity, its account, contact, currency and solutions', async () => {
    const api = webApi();
    const snapshot = await webApiData(api).snapshot(`{${OPPORTUNITY_ID.toUpperCase()}}`, DEFAULT_FIELD_MAP, {
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
    expect(snapshot.opportunity).toMatchObject({
      opportunityid: OPPORTUNITY_ID,
      pcs_syncwithpartnercenter: true,
    });
    expect(snapshot.account).toMatchObject({ address1_country: 'BR' });
    expect(snapshot.contact).toMatchObject({ emailaddress1: 'ana@contoso.com' });
    expect(snapshot.currencyIsoCode).toBe('BRL');
    expect(snapshot.solutions).toEqual([
      { solutionId: 'SOL-15974-MQF', name: 'Azure Migrate', publisherName: null, services: false },
    ]);
    expect(checkSharingRules(snapshot, DEFAULT_FIELD_MAP)).toEqual([]);
    expect(api.calls.map((c) => `${c.op} ${c.table} ${c.id ?? ''}`.trim())).toEqual([
      `retrieve opportunity ${OPPORTUNITY_ID}`,
      `retrieve account ${ACCOUNT_ID}`,
      `retrieve contact ${CONTACT_ID}`,
      `retrieve transactioncurrency ${CURRENCY_ID}`,
      'retrieveMultiple pcs_microsoftsolution',
    ]);
    expect(api.calls[4]?.options).toContain(`$filter=_pcs_opportunityid_value eq ${OPPORTUNITY_ID}`);
  });

  it('leaves account and contact null when the lookups are empty, so the rules report them', async () => {
    const api = webApi();
    const row = api.records.opportunity![OPPORTUNITY_ID]!;
    row._parentaccountid_value = null;
    row._parentcontactid_value = null;
    const snapshot = await webApiData(api).snapshot(OPPORTUNITY_ID, DEFAULT_FIELD_MAP, {});
    expect(snapshot.account).toBeNull();
    expect(snapshot.contact).toBeNull();
    expect(checkSharingRules(snapshot, DEFAULT_FIELD_MAP).map((p) => p.code)).toEqual(
      expect.arrayContaining(['accountMissing', 'customerContactMissing']),
    );
  });

  it('pages sync events and maps option values to direction and outcome', async () => {
    const api = webApi();
    const data = webApiData(api);
    const first = await data.syncEvents(OPPORTUNITY_ID, null);
    expect(first.events).toEqual([
      {
        id: 'e2',
        direction: 'toPartnerCenter',
        outcome: 'failed',
        occurredOn: new Date('2025-03-10T11:58:00Z'),
        message: 'Country "Brasil" is not ISO-2',
      },
    ]);
    expect(first.next).toBe('?$select=pcs_name&$skiptoken=%3Ccookie%20page=1%3E');
    const second = await data.syncEvents(OPPORTUNITY_ID, first.next);
    expect(second).toEqual({
      events: [
        {
          id: 'e1',
          direction: 'toDataverse',
          outcome: 'succeeded',
          occurredOn: new Date('2025-03-10T11:00:00Z'),
          message: 'referral-updated',
        },
      ],
      next: null,
    });
    expect(api.calls.map((c) => [c.options, c.pageSize])).toEqual([
      [syncEventsQuery(OPPORTUNITY_ID), SYNC_EVENT_PAGE_SIZE],
      [first.next, SYNC_EVENT_PAGE_SIZE],
    ]);
  });
});
