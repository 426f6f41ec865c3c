/**
 * Partner Center → Dynamics closing: Won / Lost / Declined / Expired in Partner Center closes the
 * opportunity with WinOpportunity / LoseOpportunity (an opportunityclose carrying the reason) or
 * disqualifies the lead; pcs_CloseOpportunityFromPartnerCenter = no keeps the record open; nothing goes
 * back to Partner Center; each closed referral is handled once.
 */
import {
  EntitySets,
  EnvironmentVariables,
  LeadColumns,
  LeadState,
  OpportunityColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SalesActions,
  SyncEventColumns,
} from '../../../Domain/constants';
import { lookup, where } from '../../../Domain/odataQuery';
import type { Referral, StoredReferral } from '../../../Domain/referral';
import { closeParameters, closingKey, planClosing } from '../../../Relay/sync/closing';
import { pullReferral } from '../../../Relay/sync/fromPartnerCenter';
import { pushOpportunity } from '../../../Relay/sync/toPartnerCenter';
import { OPPORTUNITY_CLOSES } from '../../testkit/fakeDataverse';
import { createSyncTestbed, type SyncTestbed, type SyncTestbedOptions } from '../../testkit/syncTestbed';

const closed = (substatus: string, extra: Partial<Referral> = {}): Referral => ({
  status: 'Closed',
  substatus,
  ...extra,
});

describe('planClosing', () => {
  const open = (table: 'opportunity' | 'lead') => ({ table, recordId: 'x', stateCode: 0 });
  const close = { closeRecords: true, handled: false };

  it.each([
    ['Won', 'opportunity', { action: 'win', status: 3 }],
    ['Lost', 'opportunity', { action: 'lose', status: 5 }],
    ['Declined', 'opportunity', { action: 'lose', status: 4 }],
    ['Expired', 'opportunity', { action: 'lose', status: 4 }],
    ['Lost', 'lead', { action: 'disqualify', status: 4 }],
    ['Declined', 'lead', { action: 'disqualify', status: 7 }],
    ['Expired', 'lead', { action: 'disqualify', status: 7 }],
    // Accepted leads are converted before closing runs: a won lead is never disqualified.
    ['Won', 'lead', { action: 'none' }],
  ] as const)('Closed/%s on an open %s → %o', (substatus, table, plan) => {
    expect(planClosing(closed(substatus), open(table), close)).toEqual(plan);
  });

  it('does nothing for an open referral or one handled before; notes a record closed already or kept open', () => {
    expect(planClosing({ status: 'Active', substatus: 'Accepted' }, open('opportunity'), close)).toEqual({
      action: 'none',
    });
    expect(planClosing(closed('Won'), open('opportunity'), { ...close, handled: true })).toEqual({
      action: 'none',
    });
    expect(planClosing(closed('Lost'), { ...open('opportunity'), stateCode: 1 }, close)).toEqual({
      action: 'alreadyClosed',
    });
    expect(planClosing(closed('Won'), open('opportunity'), { ...close, closeRecords: false })).toEqual({
      action: 'keepOpen',
    });
  });
});

describe('closeParameters', () => {
  const id = '6f1d4c0e-0000-4000-8000-000000000001';

  it('builds the opportunityclose: subject, reason, close date, revenue for a win, bound to the opportunity', () => {
    const won = closeParameters(
      closed('Won', {
        statusReason: 'Signed the MACC',
        closedDateTime: '2026-02-03T10:11:12.1234567Z',
        details: { dealValue: 42000 },
      }),
      id,
      3,
      1033,
      new Date('2026-03-01T00:00:00Z'),
    );
    expect(won).toEqual({
      Status: 3,
      OpportunityClose: {
        subject: 'Won in Partner Center',
        description: 'Signed the MACC',
        actualend: '2026-02-03T10:11:12Z',
        actualrevenue: 42000,
        'opportunityid@odata.bind': `/opportunities(${id})`,
      },
    });
  });

  it('has no revenue when lost, falls back to now for the date, cuts the reason to 2,000 characters, speaks pt-BR', () => {
    const lost = closeParameters(
      closed('Lost', { statusReason: 'x'.repeat(2500), details: { dealValue: 10 } }),
      id,
      5,
      1046,
      new Date('2026-03-01T00:00:00Z'),
    );
    const close = lost.OpportunityClose as Record<string, unknown>;
    expect(close.actualrevenue).toBeUndefined();
    expect(close.actualend).toBe('2026-03-01T00:00:00Z');
    expect(String(close.description)).toHaveLength(2000);
    expect(close.subject).toBe('Perdida no Partner Center');
  });
});

describe('closing through pullReferral', () => {
  let bed: SyncTestbed;
  const start = (variables: Record<string, string> = {}, options: SyncTestbedOptions = {}) => {
    bed = createSyncTestbed({
      ...options,
      // Microsoft's referrals land as opportunities here; the lead cases set `lead`.
      environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity', ...variables },
    });
  };
  const pull = async (referral: StoredReferral) =>
    (await pullReferral(
      bed.deps,
      { referralId: referral.id, eventName: 'referral-updated' },
      bed.context,
    )) as {
      recordId: string;
      table: string;
    };
  const opportunity = (id: string) => bed.dataverse.row(EntitySets.opportunity, id)!;
  /** statecode; the fake leaves it unset on create, where Dataverse sets 0 (Open). */
  const stateOf = (id: string) => opportunity(id)[OpportunityColumns.stateCode] ?? 0;
  const closesOf = (id: string) =>
    bed.dataverse.rows(OPPORTUNITY_CLOSES).filter((r) => r._opportunityid_value === id);

  it('Won in the portal: WinOpportunity with the reason and revenue, no write back to Partner Center, once', async () => {
    start();
    const deal = bed.partnerCenter.referrals.createInPortal({ details: { dealValue: 64000 } });
    const { recordId } = await pull(deal);
    const patches = bed.partnerCenter.callsOf('patchReferral').length;
    bed.clock.advance(60_000);
    const won = bed.partnerCenter.referrals.portalUpdate(deal.id, {
      status: 'Closed',
      substatus: 'Won',
      statusReason: 'Signed for three years',
    });
    await pull(won);

    expect(bed.dataverse.actions.filter((a) => a.name === SalesActions.winOpportunity)).toHaveLength(1);
    expect(opportunity(recordId)).toMatchObject({
      [OpportunityColumns.stateCode]: 1,
      [OpportunityColumns.statusCode]: 3,
      actualvalue: 64000,
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Closed,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Won,
    });
    expect(closesOf(recordId)).toEqual([
      expect.objectContaining({
        subject: 'Won in Partner Center',
        description: 'Signed for three years',
        actualrevenue: 64000,
        statecode: 1,
      }),
    ]);
    expect(String(opportunity(recordId)[OpportunityColumns.audit]).split('\n')[0]).toMatch(
      /← Partner Center: Referral .* was won in Partner Center: the opportunity is closed as won\. Reason: Signed/,
    );
    const events = await bed.dataverse.retrieveMultiple(EntitySets.pcs_syncevent, {
      filter: where.eq(lookup(SyncEventColumns.opportunity), recordId),
    });
    expect(events.map((e) => e[SyncEventColumns.name])).toContain('Won in Partner Center');
    // Echo-safe: closing wrote nothing to Partner Center.
    expect(bed.partnerCenter.callsOf('patchReferral')).toHaveLength(patches);
    expect(await bed.store.getState(closingKey(deal.id))).toBe('Won');

    // The same closed referral again (a redelivered webhook): nothing new.
    const batches = bed.dataverse.batches.length;
    await pull(won);
    expect(bed.dataverse.actions.filter((a) => a.name === SalesActions.winOpportunity)).toHaveLength(1);
    expect(bed.dataverse.batches.length).toBe(batches);
  });

  it.each([
    ['Lost', 5, { statusReason: 'Customer chose a competitor' }],
    ['Declined', 4, { statusReason: 'Not our region' }],
  ] as const)(
    '%s in the portal → LoseOpportunity with status %s and the reason',
    async (substatus, status, extra) => {
      start();
      const incoming = bed.partnerCenter.referrals.createIncoming({});
      const { recordId } = await pull(incoming);
      if (substatus === 'Lost')
        bed.partnerCenter.referrals.portalUpdate(incoming.id, { status: 'Active', substatus: 'Accepted' });
      const closedReferral = bed.partnerCenter.referrals.portalUpdate(incoming.id, {
        status: 'Closed',
        substatus,
        ...extra,
      });
      await pull(closedReferral);
      const [action] = bed.dataverse.actions.filter((a) => a.name === SalesActions.loseOpportunity);
      expect(action?.parameters).toMatchObject({
        Status: status,
        OpportunityClose: { description: extra.statusReason },
      });
      expect(opportunity(recordId)).toMatchObject({
        [OpportunityColumns.stateCode]: 2,
        [OpportunityColumns.statusCode]: status,
      });
    },
  );

  it('Expired (the 14-day window passed) → LoseOpportunity Canceled', async () => {
    start();
    const incoming = bed.partnerCenter.referrals.createIncoming({});
    const { recordId } = await pull(incoming);
    await pull(bed.partnerCenter.referrals.expire(incoming.id));
    expect(opportunity(recordId)).toMatchObject({
      [OpportunityColumns.stateCode]: 2,
      [OpportunityColumns.statusCode]: 4,
    });
  });

  it.each([
    ['Declined', 'decline'],
    ['Expired', 'expire'],
  ] as const)('a lead whose referral is %s is disqualified as Canceled', async (substatus, how) => {
    start({ [EnvironmentVariables.microsoftReferralTarget]: 'lead' });
    const incoming = bed.partnerCenter.referrals.createIncoming({});
    const { recordId, table } = await pull(incoming);
    expect(table).toBe('lead');
    const closedReferral =
      how === 'expire'
        ? bed.partnerCenter.referrals.expire(incoming.id)
        : bed.partnerCenter.referrals.portalUpdate(incoming.id, { status: 'Closed', substatus });
    await pull(closedReferral);
    expect(bed.dataverse.row(EntitySets.lead, recordId)).toMatchObject({
      [LeadState.stateCode]: LeadState.disqualified,
      [LeadState.statusCode]: 7,
      [LeadColumns.referralSubstatus]: ReferralSubstatusOptions[substatus],
    });
    expect(bed.dataverse.actions).toEqual([]);
  });

  it('pcs_CloseOpportunityFromPartnerCenter = no: the opportunity stays open, only the status columns change, said once', async () => {
    start({ [EnvironmentVariables.closeOpportunityFromPartnerCenter]: 'no' });
    const deal = bed.partnerCenter.referrals.createInPortal({});
    const { recordId } = await pull(deal);
    const won = bed.partnerCenter.referrals.portalUpdate(deal.id, { status: 'Closed', substatus: 'Won' });
    await pull(won);
    await pull(won);
    expect(bed.dataverse.actions).toEqual([]);
    expect(stateOf(recordId)).toBe(0);
    expect(opportunity(recordId)[OpportunityColumns.referralSubstatus]).toBe(ReferralSubstatusOptions.Won);
    const lines = String(opportunity(recordId)[OpportunityColumns.audit]).split('\n');
    expect(lines.filter((l) => l.includes('the record stays open'))).toHaveLength(1);
  });

  it('an opportunity closed in Dynamics already is left as it is, with a note', async () => {
    start();
    const deal = bed.partnerCenter.referrals.createInPortal({});
    const { recordId } = await pull(deal);
    await bed.dataverse.executeAction(SalesActions.winOpportunity, {
      Status: 3,
      OpportunityClose: { subject: 'Won here', 'opportunityid@odata.bind': `/opportunities(${recordId})` },
    });
    await pull(bed.partnerCenter.referrals.portalUpdate(deal.id, { status: 'Closed', substatus: 'Lost' }));
    expect(bed.dataverse.actions).toHaveLength(1);
    expect(opportunity(recordId)[OpportunityColumns.stateCode]).toBe(1);
    expect(String(opportunity(recordId)[OpportunityColumns.audit]).split('\n')[0]).toMatch(
      /already closed in Dynamics 365 and is left as it is/,
    );
  });

  it('a referral closed before the relay saw it: the record is created, then closed', async () => {
    start();
    const deal = bed.partnerCenter.referrals.createInPortal({});
    const won = bed.partnerCenter.referrals.portalUpdate(deal.id, { status: 'Closed', substatus: 'Won' });
    const { recordId } = await pull(won);
    expect(opportunity(recordId)).toMatchObject({
      [OpportunityColumns.stateCode]: 1,
      [OpportunityColumns.statusCode]: 3,
    });
  });

  it('a failed close is retried by the job; a record the seller reopens afterwards stays open', async () => {
    start();
    const deal = bed.partnerCenter.referrals.createInPortal({});
    const { recordId } = await pull(deal);
    const won = bed.partnerCenter.referrals.portalUpdate(deal.id, { status: 'Closed', substatus: 'Won' });
    bed.dataverse.failNext('executeAction', 503);
    await expect(pull(won)).rejects.toThrow(/503/);
    expect(stateOf(recordId)).toBe(0);
    await pull(won);
    expect(stateOf(recordId)).toBe(1);
    await bed.dataverse.update(EntitySets.opportunity, recordId, { statecode: 0, statuscode: 1 });
    await pull(won);
    expect(stateOf(recordId)).toBe(0);
  });
});

describe('without the integration user configured (its own steps are not skipped)', () => {
  it('the Win step of the relay’s own close sends nothing back', async () => {
    const bed = createSyncTestbed({
      environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
    });
    const deal = bed.partnerCenter.referrals.createInPortal({});
    const pullIt = (referral: StoredReferral) =>
      pullReferral(bed.deps, { referralId: referral.id, eventName: 'referral-updated' }, bed.context);
    const { recordId } = (await pullIt(deal)) as { recordId: string };
    await pullIt(bed.partnerCenter.referrals.portalUpdate(deal.id, { status: 'Closed', substatus: 'Won' }));
    const patches = bed.partnerCenter.callsOf('patchReferral').length;
    // The job the Win step would queue (Plugins/handlers.ts onOpportunityClose).
    const pushed = await pushOpportunity(
      bed.deps,
      {
        opportunityId: recordId,
        reason: 'Win',
        closing: { outcome: 'won', reason: 'Won in Partner Center' },
      },
      bed.context,
    );
    expect(pushed).toMatchObject({ outcome: 'succeeded', action: 'closed' });
    expect(bed.partnerCenter.callsOf('patchReferral')).toHaveLength(patches);
  });
});
