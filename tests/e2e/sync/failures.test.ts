/**
 * Failures that stop a sync show on the record end to end (both simulators, the relay, the real
 * webhook paths): Partner Center answers 400 or 403 to the create (the simulator's fault injection),
 * the job is dead-lettered, and the opportunity gets ✖, sync status Error and a sync event whose
 * message names the next step, never Partner Center's own error text; once the cause is gone,
 * Sync now turns it ✔.
 */
import {
  OpportunityColumns,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  SyncStatus,
} from '../../../Domain/constants';
import { RelayRoutes } from '../../../Domain/relayApi';
import { REFERRALS_PATH } from '../../../DevStack/simulators/partnercenter/referralService';
import { SANDBOX_SELLER_OBJECT_ID } from '../../../DevStack/sandbox/sandbox';
import { startTestStack, type TestStack } from '../../testkit/stack';

describe('terminal failures on the record', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterEach(() => stack.partnerCenter.routeFaults.clear());

  const syncNow = async (opportunityId: string) => {
    // The seller who created the deal presses Sync now (the relay checks their write access).
    const token = (await stack.relay.devIssuer!.issue(SANDBOX_SELLER_OBJECT_ID)).access_token;
    const response = await fetch(stack.relayUrl + RelayRoutes.syncNow(opportunityId), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(202);
  };

  it('Partner Center rejects the create (400): ✖, Error, an actionable event; Sync now recovers', async () => {
    stack.partnerCenter.routeFaults.add({ method: 'POST', path: REFERRALS_PATH, status: 400 });
    const { opportunityId } = await stack.createOpportunity({ name: 'Rejected on create' });
    await stack.settle();

    const [dead] = await stack.relay.store.listDeadLetters();
    expect(dead).toMatchObject({ kind: 'opportunity.sync', attempts: 1 });
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.name]: 'Rejected on create ✖',
      [OpportunityColumns.syncStatus]: SyncStatus.error,
      [OpportunityColumns.referralId]: null,
    });
    const [event] = await stack.syncEvents(opportunityId);
    expect(event).toMatchObject({
      [SyncEventColumns.name]: 'Partner Center rejected the change',
      [SyncEventColumns.outcome]: SyncOutcome.failed,
      [SyncEventColumns.direction]: SyncDirection.toPartnerCenter,
    });
    const message = String(event![SyncEventColumns.message]);
    expect(message).toMatch(/^Partner Center did not accept the referral\. .* select Sync now\./);
    expect(message).toContain(`reference ${dead!.id}`);
    // The simulator answered { code: 40000, description: "Injected fault", source: "PartnerAPI" }.
    expect(message).not.toMatch(/Injected fault|40000|PartnerAPI/);
    expect(String((await stack.opportunity(opportunityId))[OpportunityColumns.audit])).toContain(
      `✖ → Partner Center: ${message}`,
    );

    await syncNow(opportunityId);
    await stack.settle();
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.name]: 'Rejected on create ✔',
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
    });
  });

  it('Partner Center refuses the relay (403): the event says a permission is missing and who to ask', async () => {
    stack.partnerCenter.routeFaults.add({ method: 'POST', path: REFERRALS_PATH, status: 403 });
    const { opportunityId } = await stack.createOpportunity({ name: 'Refused access' });
    await stack.settle();
    expect((await stack.opportunity(opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
    const [event] = await stack.syncEvents(opportunityId);
    expect(event).toMatchObject({
      [SyncEventColumns.name]: 'Sync not allowed: a permission is missing',
      [SyncEventColumns.message]: expect.stringContaining(
        'Ask your administrator to check the Partner Center account',
      ),
    });
  });
});
