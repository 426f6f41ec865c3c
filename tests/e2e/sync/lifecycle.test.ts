/**
 * Lifecycle end to end (both simulators, real webhook paths): updates both ways on the default-mapped
 * fields, won / lost, accept / decline through /api, Microsoft engagement, invalid data → ✖ then
 * fixed → ✔, duplicate and reordered webhooks, setup idempotence, restart with queued work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  OpportunityColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncStatus,
} from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { RelayRoutes } from '../../../Domain/relayApi';
import { runSetup } from '../../../Relay/config/setup';
import { SANDBOX_WEBHOOK_KEY } from '../../../DevStack/sandbox/stack';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { MICROSOFT_REFERRALS_AS_OPPORTUNITIES, startTestStack, type TestStack } from '../../testkit/stack';

const tokenFor = async (stack: TestStack, userId: string) =>
  (await stack.relay.devIssuer!.issue(userId)).access_token;

describe('sync lifecycle', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Microsoft's referrals land as opportunities in these scenarios (the default is a lead).
    stack = await startTestStack({ environmentVariables: MICROSOFT_REFERRALS_AS_OPPORTUNITIES });
  });

  const referralOf = async (id: string) =>
    stack.partnerCenterClient.getReferral(
      (await stack.opportunity(id))[OpportunityColumns.referralId] as string,
    );

  it('carries seller edits of every default-mapped field to Partner Center, and Microsoft edits back', async () => {
    const seller = stack.sellerClient();
    const { opportunityId, accountId, contactId } = await createSeedOpportunity(seller, {
      name: 'Edits both ways',
    });
    await stack.settle();
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.name]: 'Edits both ways v2 ✔',
      [OpportunityColumns.estimatedValue]: 150000,
      [OpportunityColumns.estimatedCloseDate]: '2026-10-15',
      [OpportunityColumns.description]: 'Scope grew',
    });
    await seller.update(EntitySets.account, accountId, { [AccountColumns.city]: 'Redmond' });
    await seller.update(EntitySets.contact, contactId, { [ContactColumns.phone]: '+1 425 555 0199' });
    // Account / contact edits reach the referral with the next opportunity sync (reconcile or Sync now).
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.description]: 'Scope grew again',
    });
    await stack.settle();
    const pushed = await referralOf(opportunityId);
    expect(pushed).toMatchObject({
      name: 'Edits both ways v2',
      details: expect.objectContaining({ dealValue: 150000, notes: 'Scope grew again' }),
      customerProfile: expect.objectContaining({
        // The customer's address is not editable once the referral exists (partner-center-api.md §3.4).
        address: expect.objectContaining({ city: 'Seattle' }),
        team: [expect.objectContaining({ phoneNumber: '+1 425 555 0199' })],
      }),
    });
    expect(pushed.details?.closingDateTime).toMatch(/^2026-10-15/);

    stack.partnerCenter.referrals.microsoftUpdate(pushed.id, {
      dealValue: 175000,
      notes: 'Microsoft: bigger scope',
    });
    await stack.settle();
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.estimatedValue]: 175000,
      [OpportunityColumns.description]: 'Microsoft: bigger scope',
      [OpportunityColumns.name]: 'Edits both ways v2 ✔',
    });
    expect(
      await stack.partnerCenterClient.listReferrals({
        filter: where.eq('externalReferenceId', opportunityId),
      }),
    ).toHaveLength(1);
  });

  it('invalid data → ✖ with a readable message, then fixed → ✔', async () => {
    const seller = stack.sellerClient();
    const { opportunityId, accountId } = await createSeedOpportunity(seller, {
      name: 'Country check',
      country: 'United States',
    });
    await stack.settle();
    const failed = await stack.opportunity(opportunityId);
    expect(failed[OpportunityColumns.name]).toBe('Country check ✖');
    expect(failed[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
    expect(String(failed[OpportunityColumns.audit])).toMatch(/✖ → Partner Center: .*United States/);
    expect(await stack.partnerCenterClient.findByExternalReferenceId(opportunityId)).toBeNull();

    await seller.update(EntitySets.account, accountId, { [AccountColumns.country]: 'US' });
    // The seller saves the opportunity again (or presses Sync now).
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.description]: 'country fixed',
    });
    await stack.settle();
    const fixed = await stack.opportunity(opportunityId);
    expect(fixed[OpportunityColumns.name]).toBe('Country check ✔');
    expect(fixed[OpportunityColumns.syncStatus]).toBe(SyncStatus.synced);
  });

  it('Win → Closed/Won with the reason; Lose → Closed/Lost', async () => {
    const seller = stack.sellerClient();
    const won = await createSeedOpportunity(seller, { name: 'Will win' });
    const lost = await createSeedOpportunity(seller, { name: 'Will lose' });
    await stack.settle();
    await seller.executeAction('WinOpportunity', {
      Status: 3,
      OpportunityClose: {
        subject: 'Won',
        description: 'Signed the MACC',
        'opportunityid@odata.bind': `/opportunities(${won.opportunityId})`,
      },
    });
    await seller.executeAction('LoseOpportunity', {
      Status: 4,
      OpportunityClose: {
        subject: 'Lost',
        description: 'Budget cut',
        'opportunityid@odata.bind': `/opportunities(${lost.opportunityId})`,
      },
    });
    await stack.settle();
    expect(await referralOf(won.opportunityId)).toMatchObject({ status: 'Closed', substatus: 'Won' });
    expect(await referralOf(lost.opportunityId)).toMatchObject({
      status: 'Closed',
      substatus: 'Lost',
      statusReason: 'Budget cut',
    });
    expect((await stack.opportunity(won.opportunityId))[OpportunityColumns.referralSubstatus]).toBe(
      ReferralSubstatusOptions.Won,
    );
  });

  it('accept and decline incoming referrals through the relay API with a sandbox token', async () => {
    const toAccept = stack.partnerCenter.referrals.createIncoming({});
    const toDecline = stack.partnerCenter.referrals.createIncoming({
      customerProfile: { team: [{ email: 'other@fabrikam.example' }] },
    });
    await stack.settle();
    const idOf = async (referralId: string) =>
      (await stack.opportunitiesOfReferral(referralId))[0]![OpportunityColumns.id] as string;
    // The relay's application user owns what it created; the referrals are routed to a seller, who
    // answers them (write access on the opportunity is what the relay checks).
    const sellerOid = '7a1e5e11-0000-4000-8000-0000000acce9';
    for (const referral of [toAccept, toDecline])
      await stack.assignTo(EntitySets.opportunity, await idOf(referral.id), stack.sellerClient(sellerOid));
    const token = await tokenFor(stack, sellerOid);
    const call = (route: string, body: unknown) =>
      fetch(stack.relayUrl + route, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const accepted = await call(RelayRoutes.accept(await idOf(toAccept.id)), {});
    expect(accepted.status).toBe(202);
    const missingReason = await call(RelayRoutes.decline(await idOf(toDecline.id)), {});
    expect(missingReason.status).toBe(400);
    expect((await missingReason.json()) as unknown).toMatchObject({ error: { code: 'reasonRequired' } });
    expect(
      (await call(RelayRoutes.decline(await idOf(toDecline.id)), { reason: 'Not our region' })).status,
    ).toBe(202);
    await stack.settle();
    expect(await stack.partnerCenterClient.getReferral(toAccept.id)).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
    });
    expect(await stack.partnerCenterClient.getReferral(toDecline.id)).toMatchObject({
      status: 'Closed',
      substatus: 'Declined',
      statusReason: 'Not our region',
    });
    expect((await stack.opportunity(await idOf(toAccept.id)))[OpportunityColumns.referralStatus]).toBe(
      ReferralStatusOptions.Active,
    );
  });

  it('Microsoft engagement writes the Microsoft CRM id', async () => {
    const { opportunityId } = await createSeedOpportunity(stack.sellerClient(), { name: 'Engage me' });
    await stack.settle();
    const referral = await referralOf(opportunityId);
    stack.partnerCenter.referrals.engage(referral.id, { msxId: '7-ENGAGED01' });
    await stack.settle();
    const engaged = await stack.opportunity(opportunityId);
    expect(engaged[OpportunityColumns.microsoftCrmId]).toBe('7-ENGAGED01');
    expect(String(engaged[OpportunityColumns.audit])).toMatch(/Microsoft (joined|updated) the engagement/);
  });

  it('duplicate and reordered Partner Center deliveries create no duplicate records', async () => {
    stack.partnerCenter.dispatcher.faults.duplicate = 3;
    stack.partnerCenter.dispatcher.faults.reorder = 3;
    const incoming = stack.partnerCenter.referrals.createIncoming({ name: 'Duplicated delivery' });
    stack.partnerCenter.referrals.microsoftUpdate(incoming.id, { notes: 'edited right away' });
    await stack.settle();
    const rows = await stack.opportunitiesOfReferral(incoming.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]![OpportunityColumns.description]).toBe('edited right away');
  });

  it('running setup again changes nothing', async () => {
    const again = await runSetup({
      dataverse: stack.adminClient,
      partnerCenter: stack.partnerCenterClient,
      relayUrl: stack.relayUrl,
      webhookKey: SANDBOX_WEBHOOK_KEY,
      fieldMap: DEFAULT_FIELD_MAP,
      dryRun: false,
      testEvent: false,
    });
    expect(again.plan.filter((i) => i.action !== 'unchanged')).toEqual([]);
  });
});

describe('relay restart with queued work', () => {
  it('loses nothing: webhooks committed before the stop are synced after the restart', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-restart-'));
    try {
      const first = await startTestStack({ dataDir });
      const { opportunityId } = await createSeedOpportunity(first.sellerClient(), {
        name: 'Survives restart',
      });
      await first.dataverse.drain(); // webhooks delivered and committed, worker never ran
      expect((await first.relay.store.depth()).queued).toBeGreaterThan(0);
      await first.stop();

      const second = await startTestStack({ dataDir });
      try {
        await second.settle();
        const referral = await second.partnerCenterClient.findByExternalReferenceId(opportunityId);
        expect(referral?.name).toBe('Survives restart');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
