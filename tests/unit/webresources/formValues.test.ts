/** The form → Web API value shapes the shared rules read, and the small pure helpers. */
import { XrmMockGenerator } from 'xrm-mock';
import { OpportunityColumns as O, Tables } from '../../../Domain/constants';
import { readOpportunityRecord } from '../../../WebResources/OpportunityForm/formValues';
import { latestAuditLine } from '../../../WebResources/OpportunityForm/formState';
import { supportedLcid } from '../../../WebResources/OpportunityForm/strings';

describe('readOpportunityRecord', () => {
  it('turns form values into Web API shapes', () => {
    XrmMockGenerator.initialise({
      entity: { id: '{0F8FAD5B-D9CB-469F-A165-70867728950E}', entityName: Tables.opportunity },
    });
    const A = XrmMockGenerator.Attribute;
    A.createString(O.name, 'Deal');
    A.createNumber(O.estimatedValue, 1500.5);
    A.createBoolean(O.syncWithPartnerCenter, true);
    A.createOptionSet(O.helpNeeded, 727100003);
    A.createLookup(O.parentAccount, {
      id: '{AAAAAAAA-0000-0000-0000-00000000000A}',
      entityType: Tables.account,
      name: 'A',
    });
    A.createLookup(O.parentContact);
    // Date-only: the platform hands out local midnight; it must stay the same calendar day.
    A.createDate({ name: O.estimatedCloseDate, value: new Date(2026, 0, 1), format: 'date' });
    A.createDate({
      name: O.lastSyncedOn,
      value: new Date(Date.UTC(2026, 10, 21, 9, 15, 2)),
      format: 'datetime',
    });
    const multi = A.createString('pcs_products');
    multi.attributeType = 'multiselectoptionset';
    multi.setValue([727100001, 727100009] as unknown as string);

    expect(readOpportunityRecord(XrmMockGenerator.getFormContext())).toEqual({
      [O.id]: '0f8fad5b-d9cb-469f-a165-70867728950e',
      [O.name]: 'Deal',
      [O.estimatedValue]: 1500.5,
      [O.syncWithPartnerCenter]: true,
      [O.helpNeeded]: 727100003,
      _parentaccountid_value: 'aaaaaaaa-0000-0000-0000-00000000000a',
      _parentcontactid_value: null,
      [O.estimatedCloseDate]: '2026-01-01',
      [O.lastSyncedOn]: '2026-11-21T09:15:02.000Z',
      pcs_products: '727100001,727100009',
    });
  });
});

describe('latestAuditLine', () => {
  it.each([
    ['newest\nolder\n\n', 'newest'],
    ['\n  newest \r\nolder', 'newest'],
    ['  \n ', null],
    [null, null],
    [42, null],
  ])('%p → %p', (audit, line) => {
    expect(latestAuditLine(audit)).toBe(line);
  });
});

describe('supportedLcid', () => {
  it.each([
    [1033, 1033],
    [1046, 1046],
    [3082, 3082],
    [1031, 1033],
    [undefined, 1033],
  ])('%p → %p', (languageId, lcid) => {
    expect(supportedLcid(languageId)).toBe(lcid);
  });
});
