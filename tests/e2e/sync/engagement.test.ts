/**
 * Microsoft's side and referral deadlines end to end (both simulators, the relay, the real webhook
 * paths): a Microsoft seller engages through the Partner Center simulator's control API → the
 * opportunity's Microsoft columns and a sync event naming the seller and the note; Microsoft closes its
 * side as won → status and note follow. An incoming referral arrives with its expiry (Partner Center's
 * expirationDateTime), which is cleared once the seller accepts it.
 */
import {
  EntitySets,
  OpportunityColumns,
  ReferralSubstatusOptions,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
} from '../../../Domain/constants';
import { RelayRoutes } from '../../../Domain/relayApi';
import { MICROSOFT_REFERRALS_AS_OPPORTUNITIES, startTestStack, type TestStack } from '../../testkit/stack';

describe('Microsoft engagement and referral deadlines', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ environmentVariables: MICROSOFT_REFERRALS_AS_OPPORTUNITIES });
  });

  const referralIdOf = async (opportunityId: string) =>
    (await stack.opportunity(opportunityId))[OpportunityColumns.referralId] as string;

  it('a Microsoft seller engages, then closes Microsoft’s side as won: columns and sync events follow', async () => {
    const { opportunityId } = await stack.createOpportunity({ name: 'Engaged by Microsoft' });
    await stack.settle();
    const { related } = stack.partnerCenter.referrals.engage(await referralIdOf(opportunityId), {
      msxId: '7-E2E0000001',
      seller: { firstName: 'Mia', lastName: 'Seller', email: 'mia.seller@microsoft.example' },
      notes: 'I will bring the Azure specialist.',
    });
    await stack.settle();

    const engaged = await stack.opportunity(opportunityId);
    expect(engaged).toMatchObject({
      [OpportunityColumns.microsoftSellerName]: 'Mia Seller',
      [OpportunityColumns.microsoftSellerEmail]: 'mia.seller@microsoft.example',
      [OpportunityColumns.microsoftNotes]: 'I will bring the Azure specialist.',
      [OpportunityColumns.microsoftStatus]: ReferralSubstatusOptions.Accepted,
      [OpportunityColumns.microsoftCrmId]: '7-E2E0000001',
    });
    expect(Date.parse(String(engaged[OpportunityColumns.microsoftEngagedOn]))).toBe(
      Date.parse(related.createdDateTime!),
    );
    const joined = (await stack.syncEvents(opportunityId)).filter(
      (e) => e[SyncEventColumns.referralId] === related.id,
    );
    expect(joined).toEqual([
      expect.objectContaining({
        [SyncEventColumns.name]: 'Microsoft engagement',
        [SyncEventColumns.direction]: SyncDirection.toDataverse,
        [SyncEventColumns.outcome]: SyncOutcome.succeeded,
        [SyncEventColumns.message]:
          'Microsoft joined the engagement (Accepted, Microsoft CRM id 7-E2E0000001). Microsoft seller: ' +
          'Mia Seller <mia.seller@microsoft.example>. Note from Microsoft: “I will bring the Azure specialist.”',
      }),
    ]);

    stack.partnerCenter.referrals.microsoftUpdate(related.id, { substatus: 'Won', notes: 'Signed.' });
    await stack.settle();
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.microsoftStatus]: ReferralSubstatusOptions.Won,
      [OpportunityColumns.microsoftNotes]: 'Signed.',
    });
    const [latest] = await stack.syncEvents(opportunityId);
    expect(String(latest![SyncEventColumns.message])).toMatch(/^Microsoft updated the engagement \(Won,/);
  });

  it('an incoming referral carries its expiry and Microsoft’s invitation; accepting clears the expiry', async () => {
    const referral = stack.partnerCenter.referrals.createIncoming({
      name: 'Expiring incoming referral',
      expirationDateTime: '2026-12-24T00:00:00Z',
    });
    await stack.settle();
    const [row] = await stack.opportunitiesOfReferral(referral.id);
    expect(row).toMatchObject({
      [OpportunityColumns.referralExpiryEstimated]: false,
      [OpportunityColumns.microsoftSellerName]: 'John Doe',
      [OpportunityColumns.microsoftNotes]:
        'Hi partner, hoping you can help this customer. Thanks, John @ Microsoft',
    });
    expect(Date.parse(String(row![OpportunityColumns.referralExpiresOn]))).toBe(
      Date.parse('2026-12-24T00:00:00Z'),
    );

    const opportunityId = row![OpportunityColumns.id] as string;
    // The relay created it; routed to a seller, who answers it (the relay checks their write access).
    const sellerOid = '7a1e5e11-0000-4000-8000-0000000e4b1e';
    await stack.assignTo(EntitySets.opportunity, opportunityId, stack.sellerClient(sellerOid));
    const token = (await stack.relay.devIssuer!.issue(sellerOid)).access_token;
    const accepted = await fetch(stack.relayUrl + RelayRoutes.accept(opportunityId), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(accepted.status).toBe(202);
    await stack.settle();
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.referralExpiresOn]: null,
      [OpportunityColumns.referralExpiryEstimated]: null,
      // Microsoft's invitation stays on record after the answer.
      [OpportunityColumns.microsoftSellerName]: 'John Doe',
    });
  });
});
