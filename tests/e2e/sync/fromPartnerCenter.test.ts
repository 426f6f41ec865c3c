/**
 * Partner Center → Dynamics 365 end to end (both simulators, the relay, real webhook paths), for what
 * the partner does in the Partner Center portal: closing a deal closes its opportunity (WinOpportunity /
 * LoseOpportunity) or disqualifies its lead, solution edits are mirrored onto the opportunity, referrals
 * land by origin and an acceptance converts the lead (QualifyLead). Each case checks that nothing
 * bounces back to Partner Center: the referral's eTag after everything settled is the one the portal
 * action (or the relay's one expected write) left.
 */
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  EnvironmentVariables,
  LeadColumns,
  LeadState,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SolutionDetailColumns,
  SolutionDetailSourceOptions,
} from '../../../Domain/constants';
import { lookup, where } from '../../../Domain/odataQuery';
import type { StoredReferral } from '../../../Domain/referral';
import { writtenEtagKey } from '../../../Relay/sync/deps';
import { startTestStack, type TestStack } from '../../testkit/stack';

/** Reads every scenario makes, on one stack. */
function reads(stack: () => TestStack) {
  const admin = () => stack().dataverseClient;
  return {
    leadOf: async (referralId: string) =>
      (
        await admin().retrieveMultiple(EntitySets.lead, {
          filter: where.eq(LeadColumns.referralId, referralId),
        })
      )[0],
    opportunityOf: async (referralId: string) => (await stack().opportunitiesOfReferral(referralId))[0],
    closesOf: (opportunityId: string) =>
      admin().retrieveMultiple('opportunitycloses', {
        filter: where.eq(lookup('opportunityid'), opportunityId),
      }),
    solutionIds: async (opportunityId: string) =>
      (
        await admin().retrieveMultiple(EntitySets.pcs_microsoftsolution, {
          filter: where.eq(lookup(MicrosoftSolutionColumns.opportunity), opportunityId),
        })
      )
        .map((r) => r[MicrosoftSolutionColumns.solutionId] as string)
        .sort(),
    /** The referral as Partner Center has it now. */
    referral: (id: string) => stack().partnerCenterClient.getReferral(id),
    /** Dataverse steps the relay was sent for this row. */
    stepsFor: (id: string) =>
      stack()
        .dataverse.deliveries()
        .filter((d) => d.id === id)
        .map((d) => d.message),
  };
}

describe('with the default settings', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  const read = reads(() => stack);
  const portal = () => stack.partnerCenter.referrals;
  /** The partner changes the referral in the portal; returns it as it then is. */
  const inPortal = async (
    id: string,
    changes: Parameters<TestStack['partnerCenter']['referrals']['portalUpdate']>[1],
  ) => {
    const changed = portal().portalUpdate(id, changes);
    await stack.settle();
    return changed;
  };

  it('referrals land by origin: Microsoft’s as a lead, the partner’s portal deal as an opportunity', async () => {
    const fromMicrosoft = portal().createIncoming({ name: 'From Microsoft' });
    const fromPortal = portal().createInPortal({ name: 'From the portal' });
    await stack.settle();
    expect(await read.leadOf(fromMicrosoft.id)).toMatchObject({ [LeadColumns.subject]: 'From Microsoft' });
    expect(await read.opportunityOf(fromMicrosoft.id)).toBeUndefined();
    expect(await read.opportunityOf(fromPortal.id)).toMatchObject({
      [OpportunityColumns.name]: 'From the portal ✔',
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Active,
    });
    expect(await read.leadOf(fromPortal.id)).toBeUndefined();
  });

  it('won in the portal: the opportunity is won with an opportunityclose carrying the reason; nothing bounces back', async () => {
    const deal = portal().createInPortal({ name: 'Portal win', details: { dealValue: 88000 } });
    await stack.settle();
    const won = await inPortal(deal.id, {
      status: 'Closed',
      substatus: 'Won',
      statusReason: 'Signed a 3-year deal',
    });
    const opportunity = (await read.opportunityOf(deal.id))!;
    const opportunityId = opportunity[OpportunityColumns.id] as string;
    expect(opportunity).toMatchObject({
      [OpportunityColumns.stateCode]: 1,
      [OpportunityColumns.statusCode]: 3,
      actualvalue: 88000,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Won,
    });
    expect(await read.closesOf(opportunityId)).toEqual([
      expect.objectContaining({
        subject: 'Won in Partner Center',
        description: 'Signed a 3-year deal',
        actualrevenue: 88000,
        statecode: 1,
        statuscode: 2,
      }),
    ]);
    // Dataverse sent the relay the Win step of the relay's own close; it was not pushed back.
    expect(read.stepsFor(opportunityId)).toContain('Win');
    expect((await read.referral(deal.id)).eTag).toBe(won.eTag);
  });

  it('lost in the portal: LoseOpportunity Out-Sold with the reason', async () => {
    const deal = portal().createInPortal({ name: 'Portal loss' });
    await stack.settle();
    const lost = await inPortal(deal.id, {
      status: 'Closed',
      substatus: 'Lost',
      statusReason: 'Went with a competitor',
    });
    const opportunity = (await read.opportunityOf(deal.id))!;
    expect(opportunity).toMatchObject({
      [OpportunityColumns.stateCode]: 2,
      [OpportunityColumns.statusCode]: 5,
    });
    expect(await read.closesOf(opportunity[OpportunityColumns.id] as string)).toEqual([
      expect.objectContaining({ subject: 'Lost in Partner Center', description: 'Went with a competitor' }),
    ]);
    expect((await read.referral(deal.id)).eTag).toBe(lost.eTag);
  });

  it('declined in the portal, or expired: Microsoft’s lead is disqualified as Canceled', async () => {
    const declined = portal().createIncoming({ name: 'To decline' });
    const expiring = portal().createIncoming({ name: 'To expire' });
    await stack.settle();
    const declinedNow = await inPortal(declined.id, {
      status: 'Closed',
      substatus: 'Declined',
      statusReason: 'Not our region',
    });
    const expiredNow = portal().expire(expiring.id);
    await stack.settle();
    for (const [referral, now, substatus] of [
      [declined, declinedNow, 'Declined'],
      [expiring, expiredNow, 'Expired'],
    ] as const) {
      expect(await read.leadOf(referral.id)).toMatchObject({
        [LeadState.stateCode]: LeadState.disqualified,
        [LeadState.statusCode]: 7,
        [LeadColumns.referralSubstatus]: ReferralSubstatusOptions[substatus],
      });
      expect((await read.referral(referral.id)).eTag).toBe(now.eTag);
    }
  });

  it('a seller’s Win in Dynamics 365 closes the referral and is not closed a second time from it', async () => {
    const deal = portal().createInPortal({ name: 'Won by the seller' });
    await stack.settle();
    const opportunityId = (await read.opportunityOf(deal.id))![OpportunityColumns.id] as string;
    // The relay created it: routed to the seller, whose user-level write then reaches it.
    await stack.assignTo(EntitySets.opportunity, opportunityId, stack.sellerClient());
    await stack.sellerClient().executeAction('WinOpportunity', {
      Status: 3,
      OpportunityClose: { subject: 'Won', 'opportunityid@odata.bind': `/opportunities(${opportunityId})` },
    });
    await stack.settle();
    expect(await read.referral(deal.id)).toMatchObject({ status: 'Closed', substatus: 'Won' });
    expect(await read.closesOf(opportunityId)).toHaveLength(1);
  });

  it('solutions edited in the portal are mirrored: removed, added from the catalogue, unknown ids catalogued', async () => {
    const deal = portal().createInPortal({ name: 'Solution edits' });
    await stack.settle();
    const opportunityId = (await read.opportunityOf(deal.id))![OpportunityColumns.id] as string;
    expect(await read.solutionIds(opportunityId)).toEqual(['SOL-Microsoft365']);
    const edited = await inPortal(deal.id, {
      solutions: [
        { id: 'SOL-15974-MQF', name: 'Contoso Analytics', type: 'Name' },
        { id: 'SOL-E2E-NEW', name: 'Brand new ISV app', publisherName: 'New ISV', type: 'Name' },
      ],
    });
    expect(await read.solutionIds(opportunityId)).toEqual(['SOL-15974-MQF', 'SOL-E2E-NEW']);
    const [catalogued] = await stack.dataverseClient.retrieveMultiple(EntitySets.pcs_solutiondetail, {
      filter: where.eq(SolutionDetailColumns.solutionId, 'SOL-E2E-NEW'),
    });
    expect(catalogued).toMatchObject({
      [SolutionDetailColumns.name]: 'Brand new ISV app',
      [SolutionDetailColumns.publisherName]: 'New ISV',
      [SolutionDetailColumns.source]: SolutionDetailSourceOptions.PartnerCenter,
    });
    // The relay's deletes and creates reach it as Solution steps; none pushed anything.
    expect((await read.referral(deal.id)).eTag).toBe(edited.eTag);
  });

  it('accepted in the portal: QualifyLead converts the lead; account, contact, opportunity linked; the referral moves', async () => {
    const incoming = portal().createIncoming({ name: 'Accept me in the portal' });
    await stack.settle();
    const leadId = (await read.leadOf(incoming.id))![LeadColumns.id] as string;
    await inPortal(incoming.id, { status: 'Active', substatus: 'Accepted' });

    const lead = await stack.dataverseClient.retrieve(EntitySets.lead, leadId);
    expect(lead).toMatchObject({
      [LeadState.stateCode]: LeadState.qualified,
      [LeadState.statusCode]: 3,
      [LeadColumns.referralId]: null,
    });
    const opportunity = (await read.opportunityOf(incoming.id))!;
    const opportunityId = opportunity[OpportunityColumns.id] as string;
    expect(opportunity).toMatchObject({
      _originatingleadid_value: leadId,
      [OpportunityColumns.syncWithPartnerCenter]: true,
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Active,
      [OpportunityColumns.name]: 'Accept me in the portal ✔',
    });
    expect(lead._qualifyingopportunityid_value).toBe(opportunityId);
    const account = await stack.dataverseClient.retrieve(
      EntitySets.account,
      opportunity._parentaccountid_value as string,
    );
    const contact = await stack.dataverseClient.retrieve(
      EntitySets.contact,
      opportunity._parentcontactid_value as string,
    );
    expect(account).toMatchObject({
      [AccountColumns.name]: 'Fabrikam Customer Inc',
      [AccountColumns.country]: 'US',
    });
    expect(contact).toMatchObject({
      [ContactColumns.email]: 'sue.smith@fabrikam.example',
      _parentcustomerid_value: account[AccountColumns.id],
    });
    expect(await read.solutionIds(opportunityId)).toEqual(['SOL-Microsoft365']);

    // Partner Center points at the opportunity; that write is the relay's last, and known as its echo.
    const now = await read.referral(incoming.id);
    expect(now.externalReferenceId).toBe(opportunityId);
    expect(await stack.relay.store.getState(writtenEtagKey(incoming.id))).toBe(now.eTag);
    expect(read.stepsFor(leadId)).toEqual(expect.arrayContaining(['QualifyLead']));
    await stack.settle();
    expect((await read.referral(incoming.id)).eTag).toBe(now.eTag);
  });
});

describe('with the older pcs_InboundReferralPolicy = opportunity and pcs_CloseOpportunityFromPartnerCenter = no', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      environmentVariables: {
        [EnvironmentVariables.inboundReferralPolicy]: 'opportunity',
        [EnvironmentVariables.closeOpportunityFromPartnerCenter]: 'no',
      },
    });
  });
  const read = reads(() => stack);

  it('Microsoft’s referral lands as an opportunity (the older setting mapped to the new rule)', async () => {
    const incoming: StoredReferral = stack.partnerCenter.referrals.createIncoming({ name: 'Older setting' });
    await stack.settle();
    expect(await read.opportunityOf(incoming.id)).toMatchObject({
      [OpportunityColumns.name]: 'Older setting ✔',
    });
    expect(await read.leadOf(incoming.id)).toBeUndefined();
  });

  it('won in the portal: the opportunity stays open, only its referral status changes, with a note', async () => {
    const deal = stack.partnerCenter.referrals.createInPortal({ name: 'Keep me open' });
    await stack.settle();
    const won = stack.partnerCenter.referrals.portalUpdate(deal.id, { status: 'Closed', substatus: 'Won' });
    await stack.settle();
    const opportunity = (await read.opportunityOf(deal.id))!;
    expect(opportunity).toMatchObject({
      [OpportunityColumns.stateCode]: 0,
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Closed,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Won,
    });
    expect(String(opportunity[OpportunityColumns.audit]).split('\n')[0]).toMatch(/the record stays open/);
    expect(await read.closesOf(opportunity[OpportunityColumns.id] as string)).toEqual([]);
    expect((await read.referral(deal.id)).eTag).toBe(won.eTag);
  });
});
