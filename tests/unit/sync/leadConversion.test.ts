/**
 * A referral accepted in Partner Center converts its lead into an opportunity the way qualification
 * does (QualifyLead with CreateOpportunity, creating account and contact only when the customer has
 * none), the referral moves to the opportunity (pcs_referralid, sync, externalReferenceId), and the
 * relay's own writes are not taken for news.
 */
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  LeadColumns,
  LeadState,
  OpportunityColumns,
  ReferralStatusOptions,
  SalesActions,
  SyncEventColumns,
  TransactionCurrencyColumns,
} from '../../../Domain/constants';
import { lookup, where } from '../../../Domain/odataQuery';
import type { StoredReferral } from '../../../Domain/referral';
import { writtenEtagKey } from '../../../Relay/sync/deps';
import { pullReferral } from '../../../Relay/sync/fromPartnerCenter';
import { syncLead } from '../../../Relay/sync/leads';
import { pushOpportunity } from '../../../Relay/sync/toPartnerCenter';
import { createCatalogueSolution } from '../../../DevStack/sandbox/seedRecords';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

let bed: SyncTestbed;
let usd: string;

beforeEach(async () => {
  // No setting: Microsoft's referrals land as leads.
  bed = createSyncTestbed();
  usd = await bed.dataverse.create(EntitySets.transactioncurrency, {
    [TransactionCurrencyColumns.isoCode]: 'USD',
  });
  await createCatalogueSolution(bed.dataverse, {
    id: 'SOL-Microsoft365',
    name: 'Microsoft 365',
    publisher: 'Microsoft',
  });
});

const pull = (referral: StoredReferral | string) =>
  pullReferral(
    bed.deps,
    { referralId: typeof referral === 'string' ? referral : referral.id, eventName: 'referral-updated' },
    bed.context,
  );
const qualifyCalls = () => bed.dataverse.actions.filter((a) => a.name === SalesActions.qualifyLead);
const accept = (referral: StoredReferral) =>
  bed.partnerCenter.referrals.portalUpdate(referral.id, { status: 'Active', substatus: 'Accepted' });

async function incomingLead(): Promise<{ referral: StoredReferral; leadId: string }> {
  const referral = bed.partnerCenter.referrals.createIncoming({});
  const result = (await pull(referral)) as { table: string; recordId: string };
  expect(result.table).toBe('lead');
  return { referral, leadId: result.recordId };
}

it('accepted in the portal: QualifyLead creates account, contact and opportunity; the referral moves', async () => {
  const { referral, leadId } = await incomingLead();
  const result = await pull(accept(referral));
  expect(result).toMatchObject({ outcome: 'succeeded', table: 'opportunity' });
  const opportunityId = (result as { recordId: string }).recordId;

  expect(qualifyCalls()).toEqual([
    {
      name: SalesActions.qualifyLead,
      parameters: {
        CreateAccount: true,
        CreateContact: true,
        CreateOpportunity: true,
        Status: 3,
        OpportunityCurrencyId: {
          transactioncurrencyid: usd,
          '@odata.type': 'Microsoft.Dynamics.CRM.transactioncurrency',
        },
        boundTo: `leads(${leadId})`,
      },
    },
  ]);
  const opportunity = bed.dataverse.row(EntitySets.opportunity, opportunityId)!;
  const [account] = bed.dataverse.rows(EntitySets.account);
  const [contact] = bed.dataverse.rows(EntitySets.contact);
  expect(opportunity).toMatchObject({
    [OpportunityColumns.referralId]: referral.id,
    [OpportunityColumns.syncWithPartnerCenter]: true,
    [OpportunityColumns.referralStatus]: ReferralStatusOptions.Active,
    [OpportunityColumns.name]: 'Fabrikam — Microsoft 365 deployment ✔',
    _originatingleadid_value: leadId,
    _parentaccountid_value: account![AccountColumns.id],
    _parentcontactid_value: contact![ContactColumns.id],
    _transactioncurrencyid_value: usd,
  });
  // The account QualifyLead made from the company name gets the referral's address on the same pull.
  expect(account).toMatchObject({
    [AccountColumns.name]: 'Fabrikam Customer Inc',
    [AccountColumns.postalCode]: '98052',
    [AccountColumns.country]: 'US',
  });
  expect(contact).toMatchObject({
    [ContactColumns.email]: 'sue.smith@fabrikam.example',
    _parentcustomerid_value: account![AccountColumns.id],
  });
  expect(
    bed.dataverse
      .rows(EntitySets.pcs_microsoftsolution)
      .map((r) => [r.pcs_solutionid, r._pcs_opportunityid_value]),
  ).toEqual([['SOL-Microsoft365', opportunityId]]);
  expect(bed.dataverse.row(EntitySets.lead, leadId)).toMatchObject({
    [LeadState.stateCode]: LeadState.qualified,
    [LeadState.statusCode]: 3,
    [LeadColumns.referralId]: null,
    [LeadColumns.syncWithPartnerCenter]: false,
    [LeadColumns.referralStatus]: ReferralStatusOptions.Active,
  });
  const events = await bed.dataverse.retrieveMultiple(EntitySets.pcs_syncevent, {
    filter: where.eq(lookup(SyncEventColumns.lead), leadId),
  });
  expect(events.map((e) => e[SyncEventColumns.name])).toContain(
    'Qualified: referral accepted in Partner Center',
  );

  // Partner Center points at the opportunity now, and the webhook of that change is our echo.
  const now = bed.partnerCenter.referral(referral.id);
  expect(now.externalReferenceId).toBe(opportunityId);
  expect(await bed.store.getState(writtenEtagKey(referral.id))).toBe(now.eTag);
  expect(await pull(referral.id)).toEqual({ outcome: 'skipped', reason: 'our own change (eTag we wrote)' });
  expect(qualifyCalls()).toHaveLength(1);
});

it('uses the customer’s existing account and contact instead of creating them', async () => {
  const accountId = await bed.dataverse.create(EntitySets.account, {
    [AccountColumns.name]: 'Fabrikam Customer Inc',
    [AccountColumns.postalCode]: '98052',
  });
  const contactId = await bed.dataverse.create(EntitySets.contact, {
    [ContactColumns.email]: 'SUE.SMITH@fabrikam.example',
  });
  const { referral } = await incomingLead();
  const opportunityId = ((await pull(accept(referral))) as { recordId: string }).recordId;
  expect(qualifyCalls()[0]?.parameters).toMatchObject({
    CreateAccount: false,
    CreateContact: false,
    OpportunityCustomerId: { accountid: accountId, '@odata.type': 'Microsoft.Dynamics.CRM.account' },
  });
  expect(bed.dataverse.rows(EntitySets.account)).toHaveLength(1);
  expect(bed.dataverse.rows(EntitySets.contact)).toHaveLength(1);
  expect(bed.dataverse.row(EntitySets.opportunity, opportunityId)).toMatchObject({
    _parentaccountid_value: accountId,
    _parentcontactid_value: contactId,
  });
});

it('accepted and won before the relay looked: converted, then the opportunity is won', async () => {
  const { referral, leadId } = await incomingLead();
  accept(referral);
  const won = bed.partnerCenter.referrals.portalUpdate(referral.id, { status: 'Closed', substatus: 'Won' });
  const opportunityId = ((await pull(won)) as { recordId: string }).recordId;
  expect(bed.dataverse.row(EntitySets.lead, leadId)?.[LeadState.stateCode]).toBe(LeadState.qualified);
  expect(bed.dataverse.row(EntitySets.opportunity, opportunityId)).toMatchObject({
    [OpportunityColumns.stateCode]: 1,
    [OpportunityColumns.statusCode]: 3,
  });
  // A closed referral accepts no change: Partner Center keeps the lead's id as its external reference.
  expect(bed.partnerCenter.referral(referral.id).externalReferenceId).toBe(leadId);
});

it('a lead a seller already qualified only has the referral moved to its opportunity', async () => {
  const { referral, leadId } = await incomingLead();
  const opportunityId = await bed.dataverse.create(EntitySets.opportunity, {
    [OpportunityColumns.name]: 'Qualified by the seller',
    [`${LeadState.originatingLead}@odata.bind`]: `/${EntitySets.lead}(${leadId})`,
  });
  await bed.dataverse.update(EntitySets.lead, leadId, {
    [LeadState.stateCode]: 1,
    [LeadState.statusCode]: 3,
  });
  const result = await pull(accept(referral));
  expect(result).toMatchObject({ table: 'opportunity', recordId: opportunityId });
  expect(qualifyCalls()).toEqual([]);
  expect(bed.dataverse.row(EntitySets.opportunity, opportunityId)?.[OpportunityColumns.referralId]).toBe(
    referral.id,
  );
});

it('a lead that is not accepted yet stays a lead', async () => {
  const { referral, leadId } = await incomingLead();
  expect(
    await pull(bed.partnerCenter.referrals.microsoftUpdate(referral.id, { notes: 'more' })),
  ).toMatchObject({
    table: 'lead',
    recordId: leadId,
  });
  expect(qualifyCalls()).toEqual([]);
});

it('without the integration user configured, the steps of the relay’s own qualification send nothing back', async () => {
  const { referral, leadId } = await incomingLead();
  const opportunityId = ((await pull(accept(referral))) as { recordId: string }).recordId;
  const patches = bed.partnerCenter.callsOf('patchReferral').length;
  // What the QualifyLead / lead Update steps and the opportunity Update step would queue.
  await syncLead(bed.deps, { leadId, reason: 'QualifyLead', stateCode: LeadState.qualified }, bed.context);
  await pushOpportunity(bed.deps, { opportunityId, reason: 'Update' }, bed.context);
  expect(bed.partnerCenter.callsOf('patchReferral')).toHaveLength(patches);
});
