/**
 * The shapes the relay writes back on a record: audit lines and their bounds, the relay-owned
 * referral columns, the sync event row and its binding, the one change set, and which columns count
 * as changed.
 */
import {
  EntitySets,
  OpportunityColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  SyncStatus,
  referralLink,
} from '../../../Domain/constants';
import {
  AUDIT_MAX_CHARS,
  AUDIT_MAX_LINES,
  auditLine,
  changedColumns,
  prependAudit,
  referralColumns,
  syncEventRecord,
  syncStatusFor,
  writeBackOperations,
} from '../../../Relay/sync/writeBack';
import type { SyncEventInput } from '../../../Relay/sync/writeBack';
import { referralSample } from '../../testkit/referrals';

const AT = new Date('2026-03-01T12:00:00Z');
const ID = '8f0a3c52-1d2e-4b6f-9a77-0c5e2b9d4a11';

describe('audit', () => {
  it('one line per sync: time, ✔ / ✖ / •, direction, the message on one line', () => {
    expect(auditLine(AT, 'toPartnerCenter', 'succeeded', 'Created referral r-1')).toBe(
      '2026-03-01T12:00:00.000Z ✔ → Partner Center: Created referral r-1',
    );
    expect(auditLine(AT, 'toDataverse', 'failed', '  two\n lines  ')).toBe(
      '2026-03-01T12:00:00.000Z ✖ ← Partner Center: two lines',
    );
    expect(auditLine(AT, 'toDataverse', 'skipped', 'x')).toMatch(/ • ← /);
  });

  it('newest on top, bounded in lines and characters', () => {
    expect(prependAudit(null, 'b')).toBe('b');
    expect(prependAudit('b\na', 'c')).toBe('c\nb\na');
    const many = Array.from({ length: AUDIT_MAX_LINES + 5 }, (_, i) => `line ${i}`).join('\n');
    const kept = prependAudit(many, 'new').split('\n');
    expect(kept).toHaveLength(AUDIT_MAX_LINES);
    expect(kept[0]).toBe('new');
    const long = prependAudit('x'.repeat(AUDIT_MAX_CHARS), 'y'.repeat(100));
    expect(long).toBe('y'.repeat(100));
    expect(prependAudit(null, 'z'.repeat(AUDIT_MAX_CHARS + 10))).toHaveLength(AUDIT_MAX_CHARS);
  });
});

describe('referralColumns', () => {
  it('writes the referral as Partner Center has it: id, link, status choices, engagement, Microsoft CRM id', () => {
    const referral = { ...referralSample('referral-create.response.json'), id: 'r-1' };
    expect(referralColumns(referral as never)).toEqual({
      [OpportunityColumns.referralId]: 'r-1',
      [OpportunityColumns.referralLink]: referralLink('r-1'),
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Active,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Accepted,
      // Accepted: nothing expires any more (Domain/referralDeadline.ts).
      [OpportunityColumns.referralExpiresOn]: null,
      [OpportunityColumns.referralExpiryEstimated]: null,
    });
    expect(
      referralColumns({
        id: 'r-2',
        status: 'Closed',
        substatus: 'Won',
        engagementId: 'e-2',
        trackingInfo: { microsoftMsxId: '7-MSX' },
      } as never),
    ).toMatchObject({
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Won,
      [OpportunityColumns.engagementId]: 'e-2',
      [OpportunityColumns.microsoftCrmId]: '7-MSX',
    });
    expect(referralColumns({ id: 'r-3', status: 'Someday' } as never)).toMatchObject({
      [OpportunityColumns.referralStatus]: null,
      [OpportunityColumns.referralSubstatus]: null,
    });
  });
});

describe('sync event and change set', () => {
  const event = (over: Partial<SyncEventInput> = {}): SyncEventInput => ({
    table: 'opportunity',
    recordId: ID,
    direction: 'toPartnerCenter',
    outcome: 'succeeded',
    title: 'Created referral',
    message: 'Created referral r-1',
    referralId: 'r-1',
    correlationId: 'c-1',
    occurredOn: AT,
    ...over,
  });

  it('binds the event to its opportunity or lead, with the changes as JSON and a bounded title', () => {
    expect(syncEventRecord(event({ changes: [{ op: 'replace', path: '/x', value: 1 }] }))).toEqual({
      [SyncEventColumns.name]: 'Created referral',
      [SyncEventColumns.direction]: SyncDirection.toPartnerCenter,
      [SyncEventColumns.outcome]: SyncOutcome.succeeded,
      [SyncEventColumns.message]: 'Created referral r-1',
      [SyncEventColumns.referralId]: 'r-1',
      [SyncEventColumns.correlationId]: 'c-1',
      [SyncEventColumns.occurredOn]: AT.toISOString(),
      [SyncEventColumns.changes]: '[{"op":"replace","path":"/x","value":1}]',
      'pcs_opportunityid@odata.bind': `/${EntitySets.opportunity}(${ID})`,
    });
    const lead = syncEventRecord(event({ table: 'lead', title: 'T'.repeat(150) }));
    expect(lead).toMatchObject({
      'pcs_leadid@odata.bind': `/${EntitySets.lead}(${ID})`,
      [SyncEventColumns.changes]: null,
    });
    expect(String(lead[SyncEventColumns.name])).toHaveLength(100);
  });

  it('one change set: the record PATCH when columns changed, then the event', () => {
    const columns = { [OpportunityColumns.syncStatus]: syncStatusFor('failed') };
    expect(writeBackOperations('opportunity', ID, columns, event())).toEqual([
      {
        method: 'PATCH',
        entitySet: EntitySets.opportunity,
        id: ID,
        record: { pcs_syncstatus: SyncStatus.error },
      },
      { method: 'POST', entitySet: EntitySets.pcs_syncevent, record: syncEventRecord(event()) },
    ]);
    expect(writeBackOperations('lead', ID, {}, event({ table: 'lead' })).map((op) => op.method)).toEqual([
      'POST',
    ]);
    expect(syncStatusFor('skipped')).toBe(SyncStatus.synced);
  });
});

describe('changedColumns', () => {
  it('compares loosely the way Dataverse hands values back', () => {
    const current = {
      estimatedvalue: 5,
      estimatedclosedate: '2026-09-30',
      pcs_lastsyncedon: '2026-03-01T12:00:00Z',
      description: null,
      name: 'A',
      pcs_tags: { a: 1 },
    };
    expect(
      changedColumns(current, {
        estimatedvalue: '5',
        estimatedclosedate: '2026-09-30T00:00:00Z',
        pcs_lastsyncedon: '2026-03-01T12:00:00.000Z',
        description: undefined,
        name: 'A',
        pcs_tags: { a: 1 },
        'parentaccountid@odata.bind': '/accounts(x)',
      }),
    ).toEqual({ 'parentaccountid@odata.bind': '/accounts(x)' });
    expect(
      changedColumns(current, {
        estimatedvalue: 6,
        name: 'B',
        description: '',
        pcs_tags: { a: 2 },
        pcs_lastsyncedon: '2026-03-01T12:00:01Z',
      }),
    ).toEqual({
      pcs_lastsyncedon: '2026-03-01T12:00:01Z',
      estimatedvalue: 6,
      name: 'B',
      description: '',
      pcs_tags: { a: 2 },
    });
  });
});
