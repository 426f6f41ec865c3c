/**
 * Reconciliation end to end: what the webhooks missed arrives anyway. A Partner Center delivery
 * dropped by the simulator's fault injection (as Partner Center does after its 10 attempts) is
 * repaired by the referral poll (updatedDateTime watermark); an opportunity edited while the relay
 * was down (Dataverse gave up on the async step) is pushed by the opportunity poll (sync on, modified
 * since the watermark). Both polls are idempotent: a second run changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EntitySets, OpportunityColumns, SyncStatus } from '../../../Domain/constants';
import { createCatalogueSolution, createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { startLocalStack } from '../../../DevStack/sandbox/stack';
import { MICROSOFT_REFERRALS_AS_OPPORTUNITIES, startTestStack, type TestStack } from '../../testkit/stack';
import { WATERMARKS } from '../../../Relay/sync/reconcile';
import { closeAfterTest } from '../../testkit/cleanup';
import { where } from '../../../Domain/odataQuery';

describe('reconciliation repairs what webhooks missed', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Microsoft's referrals land as opportunities in these scenarios (the default is a lead).
    stack = await startTestStack({ environmentVariables: MICROSOFT_REFERRALS_AS_OPPORTUNITIES });
  });

  it('a Partner Center change whose webhook was dropped arrives with the next reconciliation', async () => {
    const { opportunityId } = await createSeedOpportunity(stack.sellerClient(), { name: 'Dropped event' });
    await stack.settle();
    const referralId = (await stack.opportunity(opportunityId))[OpportunityColumns.referralId] as string;
    // Everything so far is in step: a first run sets the watermarks and pulls nothing of ours.
    await stack.relay.reconcileNow();
    await stack.settle();
    const watermark = await stack.relay.store.getState(WATERMARKS.referrals);
    expect(watermark).not.toBeNull();

    stack.partnerCenter.dispatcher.faults.drop = 1;
    stack.partnerCenter.referrals.microsoftUpdate(referralId, {
      dealValue: 99000,
      notes: 'Microsoft changed this; the webhook was lost',
    });
    await stack.settle();
    expect(stack.partnerCenter.dispatcher.faults.drop).toBe(0);
    expect((await stack.opportunity(opportunityId))[OpportunityColumns.description]).toBe(
      'Modern data platform on Azure',
    );

    const result = await stack.relay.reconcileNow();
    expect(result.referrals).toBe(1);
    await stack.settle();
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.estimatedValue]: 99000,
      [OpportunityColumns.description]: 'Microsoft changed this; the webhook was lost',
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
      [OpportunityColumns.name]: 'Dropped event ✔',
    });
    const referral = await stack.partnerCenterClient.getReferral(referralId);
    expect(Date.parse((await stack.relay.store.getState(WATERMARKS.referrals))!)).toBe(
      Date.parse(referral.updatedDateTime!),
    );

    // Idempotent: nothing left to pull, and re-pushing the opportunities writes nothing new.
    const eventsBefore = (await stack.syncEvents(opportunityId)).length;
    const again = await stack.relay.reconcileNow();
    expect(again.referrals).toBe(0);
    await stack.settle();
    expect(await stack.syncEvents(opportunityId)).toHaveLength(eventsBefore);
    expect((await stack.partnerCenterClient.getReferral(referralId)).eTag).toBe(referral.eTag);
  });

  it('a referral created while its webhook was dropped is created in Dynamics 365 by reconciliation', async () => {
    stack.partnerCenter.dispatcher.faults.drop = 1;
    const incoming = stack.partnerCenter.referrals.createIncoming({ name: 'Never announced' });
    await stack.settle();
    const find = () => stack.opportunitiesOfReferral(incoming.id);
    expect(await find()).toEqual([]);
    await stack.relay.reconcileNow();
    await stack.settle();
    expect(await find()).toHaveLength(1);
  });

  it('260 referrals whose webhooks were all dropped are all created: reading follows the list past its first pages', async () => {
    // The simulator pages its list 20 at a time: 13 pages, more than the 200 a single read once took.
    const created = stack.partnerCenter.referrals;
    stack.partnerCenter.dispatcher.faults.drop = 260;
    const ids = Array.from({ length: 260 }, (_, i) => created.createIncoming({ name: `Lost ${i}` }).id);
    await stack.settle();
    expect(stack.partnerCenter.dispatcher.faults.drop).toBe(0);

    expect((await stack.relay.reconcileNow()).referrals).toBe(260);
    await stack.settle();
    const landed = await stack.adminClient.retrieveMultiple(EntitySets.opportunity, {
      select: [OpportunityColumns.referralId],
      filter: where.isNotNull(OpportunityColumns.referralId),
    });
    const referralIds = new Set(landed.map((row) => row[OpportunityColumns.referralId] as string));
    expect(ids.filter((id) => !referralIds.has(id))).toEqual([]);
    expect(landed.filter((row) => ids.includes(row[OpportunityColumns.referralId] as string))).toHaveLength(
      260,
    );
    // The watermark reached the newest of them; nothing is pulled twice.
    expect((await stack.relay.reconcileNow()).referrals).toBe(0);
    // 260 inbound syncs through both simulators: minutes on a loaded 2-CPU machine (no timing asserted).
  }, 300_000);
});

describe('an opportunity changed while the relay was down', () => {
  it('is pushed by the opportunity poll after the restart', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-reconcile-'));
    try {
      // Stopped piece by piece below (relay first, simulators later): not the fixture's one stop.
      const first = await startLocalStack({ dataDir, deliveryDelayMs: 10 });
      closeAfterTest(first.relay);
      let opportunityId: string;
      try {
        await createCatalogueSolution(first.dataverseClient);
        ({ opportunityId } = await createSeedOpportunity(first.sellerClient(), { name: 'Edited offline' }));
        await first.settle();
        await first.relay.reconcileNow();
        await first.settle();

        // The relay goes down; the seller keeps working; Dataverse's async step cannot deliver.
        await first.relay.stop();
        await first.sellerClient().update(EntitySets.opportunity, opportunityId, {
          [OpportunityColumns.description]: 'Changed while the relay was down',
          [OpportunityColumns.estimatedValue]: 210000,
        });
        await first.dataverse.drain();
        const missed = first.dataverse
          .deliveries()
          .filter((d) => d.entity === 'opportunity' && d.id === opportunityId)
          .at(-1);
        expect(missed).toMatchObject({ ok: false, attempts: [{ status: null }] });
      } finally {
        await first.dataverse.close();
        await first.partnerCenter.close();
      }

      const second = await startTestStack({ dataDir });
      try {
        // No webhook will ever bring this change: the queue is empty after the restart.
        await second.settle();
        const stale = await second.partnerCenterClient.findByExternalReferenceId(opportunityId);
        expect(stale?.details?.notes).toBe('Modern data platform on Azure');

        const result = await second.relay.reconcileNow();
        expect(result.opportunities).toBeGreaterThanOrEqual(1);
        await second.settle();
        const repaired = await second.partnerCenterClient.findByExternalReferenceId(opportunityId);
        expect(repaired?.details).toMatchObject({
          notes: 'Changed while the relay was down',
          dealValue: 210000,
        });
        expect(
          (await second.dataverseClient.retrieve(EntitySets.opportunity, opportunityId))[
            OpportunityColumns.syncStatus
          ],
        ).toBe(SyncStatus.synced);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
