import {
  DEFAULT_FIELD_MAP,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncStatus,
  checkSharingRules,
  problemMessage,
  referralLink,
  type OpportunitySnapshot,
} from '../../../Domain';
import { StringKeys } from '../../../PCFControls/PartnerCenterSync/strings';
import {
  localeOf,
  newestAuditLine,
  preflightChecklist,
  referralView,
  relativeTime,
  statusView,
  toggleView,
} from '../../../PCFControls/PartnerCenterSync/viewModel';

const now = new Date('2025-03-10T12:00:00Z');

describe('statusView', () => {
  const base = { syncEnabled: true, lastSyncedOn: null, audit: null };

  it('synced: relative time of the last sync in the user language', () => {
    const lastSyncedOn = new Date('2025-03-10T11:55:00Z');
    expect(statusView({ ...base, syncStatus: SyncStatus.synced, lastSyncedOn }, now, 'en-US')).toEqual({
      kind: 'synced',
      syncedAgo: '5 minutes ago',
      message: null,
    });
    expect(statusView({ ...base, syncStatus: SyncStatus.synced, lastSyncedOn }, now, 'pt-BR').syncedAgo).toBe(
      'há 5 minutos',
    );
    expect(statusView({ ...base, syncStatus: SyncStatus.synced, lastSyncedOn }, now, 'es-ES').syncedAgo).toBe(
      'hace 5 minutos',
    );
  });

  it('error: the newest audit line is the message', () => {
    const audit = '2025-03-10 11:00 ✔ created referral\n2025-03-10 11:58 ✖ Country "Brasil" is not ISO-2\n';
    expect(statusView({ ...base, syncStatus: SyncStatus.error, audit }, now, 'en-US')).toEqual({
      kind: 'error',
      syncedAgo: null,
      message: '2025-03-10 11:58 ✖ Country "Brasil" is not ISO-2',
    });
  });

  it('pending when queued, or when switched on and never synced; off otherwise', () => {
    expect(statusView({ ...base, syncStatus: SyncStatus.pending }, now, 'en-US').kind).toBe('pending');
    expect(statusView({ ...base, syncStatus: SyncStatus.notSynced }, now, 'en-US').kind).toBe('pending');
    expect(statusView({ ...base, syncEnabled: false, syncStatus: null }, now, 'en-US').kind).toBe('off');
    expect(
      statusView({ ...base, syncEnabled: false, syncStatus: SyncStatus.notSynced }, now, 'en-US').kind,
    ).toBe('off');
  });
});

describe('relativeTime and helpers', () => {
  it('picks the largest whole unit', () => {
    expect(relativeTime(new Date('2025-03-08T12:00:00Z'), now, 'en-US')).toBe('2 days ago');
    expect(relativeTime(new Date('2025-03-10T11:59:58Z'), now, 'en-US')).toBe('2 seconds ago');
    expect(relativeTime(now, now, 'en-US')).toBe('now');
  });

  it('maps the three product languages and falls back to English', () => {
    expect([1033, 1046, 3082, 1036].map(localeOf)).toEqual(['en-US', 'pt-BR', 'es-ES', 'en-US']);
  });

  it('newestAuditLine ignores blank lines and empty audits', () => {
    expect(newestAuditLine('a\r\n\r\nb\n  \n')).toBe('b');
    expect(newestAuditLine('')).toBeNull();
    expect(newestAuditLine(null)).toBeNull();
  });
});

describe('toggleView', () => {
  const on = { syncEnabled: true, isControlDisabled: false, entityTypeName: 'opportunity', entityId: 'x' };
  it('read-only form wins over everything', () => {
    expect(toggleView({ ...on, isControlDisabled: true, entityId: null })).toEqual({
      checked: true,
      disabledReason: 'readOnly',
    });
  });
  it('a form record without id is unsaved', () => {
    expect(toggleView({ ...on, entityId: '' }).disabledReason).toBe('unsaved');
  });
  it('hosts without a form record (harness) keep the switch usable', () => {
    expect(toggleView({ ...on, entityTypeName: null, entityId: null })).toEqual({
      checked: true,
      disabledReason: null,
    });
  });
});

describe('referralView', () => {
  const input = {
    referralId: 'a1b2c3d4-0000-1111-2222-333344445555',
    referralLink: null,
    referralStatus: ReferralStatusOptions.Active,
    referralSubstatus: ReferralSubstatusOptions.Accepted,
    microsoftCrmId: '7-ABCDEF',
  };

  it('derives the Partner Center link when the relay has not written one', () => {
    expect(referralView(input)).toEqual({
      id: input.referralId,
      link: referralLink(input.referralId),
      statusKey: StringKeys.ReferralStatus_Active,
      substatusKey: StringKeys.ReferralSubstatus_Accepted,
      microsoftCrmId: '7-ABCDEF',
      awaitingAnswer: false,
    });
    expect(referralView({ ...input, referralLink: 'https://example.test/r/1' })?.link).toBe(
      'https://example.test/r/1',
    );
  });

  it('is null without a referral id', () => {
    expect(referralView({ ...input, referralId: '  ' })).toBeNull();
  });

  it('offers Accept / Decline only for New + Received (incoming, unanswered)', () => {
    const incoming = { ...input, referralStatus: ReferralStatusOptions.New };
    expect(
      referralView({ ...incoming, referralSubstatus: ReferralSubstatusOptions.Received })?.awaitingAnswer,
    ).toBe(true);
    expect(
      referralView({ ...incoming, referralSubstatus: ReferralSubstatusOptions.Pending })?.awaitingAnswer,
    ).toBe(false);
  });
});

describe('preflightChecklist with the shared rules', () => {
  // A co-sell deal (help needed) with every gap the pre-flight checklist names.
  const snapshot: OpportunitySnapshot = {
    opportunity: {
      opportunityid: '7d0ae5a2-1c3b-4f6e-9d8a-0b1c2d3e4f50',
      name: 'Contoso – Azure migration',
      estimatedvalue: null,
      estimatedclosedate: null,
      pcs_referralvisibility: 727100001,
      pcs_helpneeded: 727100002,
    },
    account: { accountid: 'acc', name: 'Contoso', address1_country: 'Brasil' },
    contact: null,
    currencyIsoCode: 'BRL',
    solutions: [],
  };

  it('turns problems into the five checks with the fix in the user language', () => {
    const problems = checkSharingRules(snapshot, DEFAULT_FIELD_MAP);
    const items = preflightChecklist(problems, (p) => problemMessage(p, 1046));
    expect(items.map((i) => [i.label, i.ok])).toEqual([
      [StringKeys.Preflight_Contact, false],
      [StringKeys.Preflight_Solution, false],
      [StringKeys.Preflight_Country, false],
      [StringKeys.Preflight_DealValue, false],
      [StringKeys.Preflight_CloseDate, false],
    ]);
    const country = problems.find((p) => p.code === 'countryNotIso2');
    expect(country).toBeDefined();
    expect(items[2]?.fixes).toEqual([problemMessage(country!, 1046)]);
    expect(items[2]?.fixes[0]).toContain('Brasil');
  });

  it('all checks pass for a complete deal', () => {
    const complete: OpportunitySnapshot = {
      ...snapshot,
      opportunity: { ...snapshot.opportunity, estimatedvalue: 25000, estimatedclosedate: '2025-06-30' },
      account: { ...snapshot.account, address1_country: 'BR' },
      contact: {
        contactid: 'c',
        firstname: 'Ana',
        lastname: 'Souza',
        emailaddress1: 'ana@contoso.com',
        telephone1: '+55 11 5555-0100',
      },
      solutions: [{ solutionId: 'SOL-15974-MQF', name: 'Azure Migrate' }],
    };
    const items = preflightChecklist(checkSharingRules(complete, DEFAULT_FIELD_MAP), (p) => p.code);
    expect(items.every((i) => i.ok)).toBe(true);
    expect(items).toHaveLength(5);
  });

  it('lists problems outside the five checks under Other', () => {
    const items = preflightChecklist(
      [{ code: 'nameMissing', table: 'opportunity', column: 'name' }],
      (p) => p.code,
    );
    expect(items.at(-1)).toEqual({ label: StringKeys.Preflight_Other, ok: false, fixes: ['nameMissing'] });
  });
});
