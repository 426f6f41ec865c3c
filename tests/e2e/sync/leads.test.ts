/**
 * Inbound referrals landing as leads (pcs_InboundReferralPolicy = lead) and the lead steps of the
 * Plugins manifest, end to end: the lead (created by the relay's application user) is routed to a
 * seller, whose user-level write then reaches it; the seller qualifies the lead (an opportunity from the lead + the lead's
 * state change → lead Update step), or disqualifies it; the QualifyLead step itself is posted as a
 * RemoteExecutionContext built from a real captured body, through the relay's real webhook route.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  EnvironmentVariables,
  HelpNeededOptions,
  LeadColumns,
  LeadState,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  OpportunityNavigation,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  ReferralVisibility,
  Relationships,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  SyncStatus,
  Tables,
} from '../../../Domain/constants';
import { lookup, where } from '../../../Domain/odataQuery';
import { WebhookPaths } from '../../../Domain/relayApi';
import { SANDBOX_WEBHOOK_KEY } from '../../../DevStack/sandbox/stack';
import { startTestStack, type TestStack } from '../../testkit/stack';
import { DATAVERSE_WEBHOOK_PAYLOADS } from '../../testkit/paths';

/** The powerapps-docs RemoteExecutionContext sample, retargeted to the QualifyLead message on a lead. */
function qualifyLeadBody(leadId: string, initiatingUserId: string): string {
  const body = JSON.parse(
    readFileSync(
      path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-contact-async-postimage.powerapps-docs.json'),
      'utf8',
    ).replace(/^\uFEFF/, ''),
  ) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  body.MessageName = 'QualifyLead';
  body.PrimaryEntityName = Tables.lead;
  body.PrimaryEntityId = leadId;
  body.InitiatingUserId = initiatingUserId;
  body.UserId = initiatingUserId;
  body.OperationId = `qualify-${leadId}`;
  // QualifyLead carries a LeadId EntityReference, not a Target entity.
  body.InputParameters = [
    {
      key: 'LeadId',
      value: {
        __type: 'EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts',
        Id: leadId,
        KeyAttributes: [],
        LogicalName: Tables.lead,
        Name: null,
        RowVersion: null,
      },
    },
    { key: 'CreateOpportunity', value: true },
  ];
  body.PreEntityImages = [];
  body.PostEntityImages = [];
  return JSON.stringify(body);
}

describe('referrals as leads: qualify and disqualify', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      environmentVariables: { [EnvironmentVariables.inboundReferralPolicy]: 'lead' },
    });
  });

  const leadFor = async (referralId: string) => {
    const rows = await stack.dataverseClient.retrieveMultiple(EntitySets.lead, {
      filter: where.eq(LeadColumns.referralId, referralId),
    });
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };
  const leadEvents = (leadId: string) =>
    stack.dataverseClient.retrieveMultiple(EntitySets.pcs_syncevent, {
      filter: where.eq(lookup(SyncEventColumns.lead), leadId),
      orderBy: [{ column: SyncEventColumns.occurredOn, descending: true }],
    });

  /** What the platform's QualifyLead creates: account, contact, and an opportunity from the lead. */
  async function opportunityFromLead(leadId: string): Promise<string> {
    const seller = stack.sellerClient();
    const accountId = await seller.create(EntitySets.account, {
      [AccountColumns.name]: 'Fabrikam Customer Inc',
      [AccountColumns.postalCode]: '98052',
      [AccountColumns.country]: 'US',
    });
    const contactId = await seller.create(EntitySets.contact, {
      [ContactColumns.firstName]: 'Sue',
      [ContactColumns.lastName]: 'Smith',
      [ContactColumns.email]: 'sue.smith@fabrikam.example',
      [ContactColumns.phone]: '+1 425 555 0100',
    });
    const opportunityId = await seller.create(EntitySets.opportunity, {
      [OpportunityColumns.name]: 'Fabrikam — Microsoft 365 deployment',
      [OpportunityColumns.estimatedValue]: 10000,
      [OpportunityColumns.estimatedCloseDate]: '2026-12-31',
      [OpportunityColumns.referralVisibility]: ReferralVisibility.visible,
      [OpportunityColumns.helpNeeded]: HelpNeededOptions.ProofOfConceptOrDemo,
      [`${LeadState.originatingLead}@odata.bind`]: `/${EntitySets.lead}(${leadId})`,
      [`${OpportunityNavigation.parentAccount}@odata.bind`]: `/${EntitySets.account}(${accountId})`,
      [`${OpportunityNavigation.parentContact}@odata.bind`]: `/${EntitySets.contact}(${contactId})`,
    });
    // Co-sell needs a Microsoft solution on the opportunity (sharing rules).
    await seller.create(EntitySets.pcs_microsoftsolution, {
      [MicrosoftSolutionColumns.name]: 'Contoso Analytics on Azure',
      [MicrosoftSolutionColumns.solutionId]: 'SOL-15974-MQF',
      [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
    });
    return opportunityId;
  }

  it('an incoming referral becomes a lead with the referral facts, sync on', async () => {
    const incoming = stack.partnerCenter.referrals.createIncoming({});
    await stack.settle();
    const lead = await leadFor(incoming.id);
    expect(lead).toMatchObject({
      [LeadColumns.subject]: 'Fabrikam — Microsoft 365 deployment',
      [LeadColumns.companyName]: 'Fabrikam Customer Inc',
      [LeadColumns.email]: 'sue.smith@fabrikam.example',
      [LeadColumns.syncWithPartnerCenter]: true,
      [LeadColumns.syncStatus]: SyncStatus.synced,
      [LeadColumns.referralStatus]: ReferralStatusOptions.New,
      [LeadColumns.referralSubstatus]: ReferralSubstatusOptions.Pending,
      [LeadState.stateCode]: LeadState.open,
    });
    expect(await stack.opportunitiesOfReferral(incoming.id)).toEqual([]);
    expect((await stack.partnerCenterClient.getReferral(incoming.id)).externalReferenceId).toBe(
      lead[LeadColumns.id],
    );
  });

  it('qualifying the lead (lead Update step) accepts the referral and links it to the new opportunity', async () => {
    const incoming = stack.partnerCenter.referrals.createIncoming({ name: 'Qualify me' });
    await stack.settle();
    const leadId = (await leadFor(incoming.id))[LeadColumns.id] as string;
    await stack.assignTo(EntitySets.lead, leadId, stack.sellerClient());
    const opportunityId = await opportunityFromLead(leadId);
    await stack.sellerClient().update(EntitySets.lead, leadId, {
      [LeadState.stateCode]: LeadState.qualified,
      [LeadState.statusCode]: 3,
    });
    await stack.settle();

    expect(await stack.partnerCenterClient.getReferral(incoming.id)).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
      externalReferenceId: opportunityId,
    });
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.referralId]: incoming.id,
      [OpportunityColumns.syncWithPartnerCenter]: true,
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Active,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Accepted,
    });
    expect(await leadFor(incoming.id)).toMatchObject({
      [LeadColumns.referralStatus]: ReferralStatusOptions.Active,
      [LeadColumns.referralSubstatus]: ReferralSubstatusOptions.Accepted,
    });
    const [event] = await leadEvents(leadId);
    expect(event).toMatchObject({
      [SyncEventColumns.name]: 'Lead qualified',
      [SyncEventColumns.direction]: SyncDirection.toPartnerCenter,
      [SyncEventColumns.outcome]: SyncOutcome.succeeded,
      [SyncEventColumns.referralId]: incoming.id,
    });
    expect(String(event![SyncEventColumns.message])).toContain('linked to the new opportunity');

    // From now on the opportunity syncs the same referral: a seller edit patches it, never a second one.
    await stack.sellerClient().update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.description]: 'Qualified, scoping the rollout',
    });
    await stack.settle();
    expect((await stack.partnerCenterClient.getReferral(incoming.id)).details?.notes).toBe(
      'Qualified, scoping the rollout',
    );
    expect(
      await stack.partnerCenterClient.listReferrals({
        filter: where.eq('externalReferenceId', opportunityId),
      }),
    ).toHaveLength(1);
    const opportunity = await stack.opportunity(opportunityId);
    expect(opportunity[OpportunityColumns.name]).toBe('Fabrikam — Microsoft 365 deployment ✔');
  });

  it('disqualifying the lead declines the referral', async () => {
    const incoming = stack.partnerCenter.referrals.createIncoming({ name: 'Not for us' });
    await stack.settle();
    const leadId = (await leadFor(incoming.id))[LeadColumns.id] as string;
    await stack.assignTo(EntitySets.lead, leadId, stack.sellerClient());
    await stack.sellerClient().update(EntitySets.lead, leadId, {
      [LeadState.stateCode]: LeadState.disqualified,
      [LeadState.statusCode]: 6,
    });
    await stack.settle();
    expect(await stack.partnerCenterClient.getReferral(incoming.id)).toMatchObject({
      status: 'Closed',
      substatus: 'Declined',
    });
    expect(await leadFor(incoming.id)).toMatchObject({
      [LeadColumns.referralStatus]: ReferralStatusOptions.Closed,
      [LeadColumns.referralSubstatus]: ReferralSubstatusOptions.Declined,
    });
    expect((await leadEvents(leadId))[0]).toMatchObject({ [SyncEventColumns.name]: 'Lead disqualified' });
  });

  it('an open lead edit is not a qualification: nothing is sent', async () => {
    const incoming = stack.partnerCenter.referrals.createIncoming({ name: 'Still open' });
    await stack.settle();
    const leadId = (await leadFor(incoming.id))[LeadColumns.id] as string;
    const before = await stack.partnerCenterClient.getReferral(incoming.id);
    await stack.assignTo(EntitySets.lead, leadId, stack.sellerClient());
    await stack.sellerClient().update(EntitySets.lead, leadId, { [LeadState.statusCode]: 2 });
    await stack.settle();
    expect((await stack.partnerCenterClient.getReferral(incoming.id)).eTag).toBe(before.eTag);
  });

  it('the QualifyLead step, posted through the real webhook route, accepts the referral', async () => {
    const incoming = stack.partnerCenter.referrals.createIncoming({ name: 'Qualified by message' });
    await stack.settle();
    const leadId = (await leadFor(incoming.id))[LeadColumns.id] as string;
    const opportunityId = await opportunityFromLead(leadId);
    // The platform's qualification sets the state too; the step body is what we post here.
    await stack.dataverseClient.update(EntitySets.lead, leadId, {
      [LeadState.stateCode]: LeadState.qualified,
      [LeadState.statusCode]: 3,
    });
    const seller = '7a1e5e11-0000-4000-8000-00000000c0de';
    const post = () =>
      fetch(`${stack.relayUrl}${WebhookPaths.dataverse}?code=${SANDBOX_WEBHOOK_KEY}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: qualifyLeadBody(leadId, seller),
      });
    const first = await post();
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: 'queued' });
    // Dataverse redelivers the same operation: one job only.
    expect(await (await post()).json()).toMatchObject({ status: 'duplicate' });
    await stack.settle();
    expect(await stack.partnerCenterClient.getReferral(incoming.id)).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
      externalReferenceId: opportunityId,
    });
  });
});
