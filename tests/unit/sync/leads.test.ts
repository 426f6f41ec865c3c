/**
 * Lead lifecycle → referral, on the typed fakes: a lead that came from a referral is qualified into an
 * opportunity (referral accepted and linked to it) or disqualified (referral declined); open leads and
 * leads without a referral send nothing.
 */
import {
  EntitySets,
  EnvironmentVariables,
  LeadColumns,
  LeadState,
  OpportunityColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncEventColumns,
} from '../../../Domain/constants';
import type { StoredReferral } from '../../../Domain/referral';
import { pullReferral } from '../../../Relay/sync/fromPartnerCenter';
import { syncLead } from '../../../Relay/sync/leads';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { receiveReferral } from '../../testkit/referrals';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

let bed: SyncTestbed;
let referral: StoredReferral;
let leadId: string;

beforeEach(async () => {
  bed = createSyncTestbed({ environmentVariables: { [EnvironmentVariables.inboundReferralPolicy]: 'lead' } });
  referral = receiveReferral(bed.partnerCenter);
  const pulled = await pullReferral(
    bed.deps,
    { referralId: referral.id, eventName: 'referral-created' },
    bed.context,
  );
  leadId = (pulled as { recordId: string }).recordId;
});

const sync = (stateCode?: number) =>
  syncLead(bed.deps, { leadId, reason: 'Update', stateCode: stateCode ?? null }, bed.context);
const setState = (stateCode: number) =>
  bed.dataverse.update(EntitySets.lead, leadId, { [LeadState.stateCode]: stateCode });
/** What QualifyLead creates: an opportunity pointing back at the lead. */
async function qualifiedOpportunity(): Promise<string> {
  const { opportunityId } = await createSeedOpportunity(bed.dataverse, { sync: false });
  await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
    [`${LeadState.originatingLead}@odata.bind`]: `/${EntitySets.lead}(${leadId})`,
  });
  return opportunityId;
}
const lastBatch = () => bed.dataverse.batches.at(-1)!;

describe('syncLead', () => {
  it('qualified: accepts the referral, links it to the new opportunity, and switches its sync on', async () => {
    await setState(LeadState.qualified);
    const opportunityId = await qualifiedOpportunity();

    expect(await sync()).toEqual({
      outcome: 'succeeded',
      action: 'Lead qualified: referral accepted and linked to the new opportunity',
    });
    expect(bed.partnerCenter.referral(referral.id)).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
      externalReferenceId: opportunityId,
    });
    expect(lastBatch().map((op) => [op.method, op.entitySet])).toEqual([
      ['PATCH', EntitySets.opportunity],
      ['PATCH', EntitySets.lead],
      ['POST', EntitySets.pcs_syncevent],
    ]);
    expect(bed.dataverse.row(EntitySets.opportunity, opportunityId)).toMatchObject({
      [OpportunityColumns.referralId]: referral.id,
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Active,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Accepted,
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
    expect(bed.dataverse.row(EntitySets.lead, leadId)).toMatchObject({
      [LeadColumns.referralStatus]: ReferralStatusOptions.Active,
      [LeadColumns.referralSubstatus]: ReferralSubstatusOptions.Accepted,
    });
    const event = bed.dataverse.rows(EntitySets.pcs_syncevent).at(-1)!;
    expect(event).toMatchObject({ [SyncEventColumns.name]: 'Lead qualified', _pcs_leadid_value: leadId });
    expect(JSON.parse(String(event[SyncEventColumns.changes]))).toEqual([
      { op: 'replace', path: '/status', value: 'Active' },
      { op: 'replace', path: '/substatus', value: 'Accepted' },
      { op: 'replace', path: '/externalReferenceId', value: opportunityId },
    ]);
  });

  it('qualified after the referral was accepted already: only the link is sent', async () => {
    await bed.partnerCenter.patchReferral(referral.id, [
      { op: 'replace', path: '/status', value: 'Active' },
      { op: 'replace', path: '/substatus', value: 'Accepted' },
    ]);
    await setState(LeadState.qualified);
    const opportunityId = await qualifiedOpportunity();
    await sync();
    expect(bed.partnerCenter.callsOf('patchReferral').at(-1)?.body).toEqual([
      { op: 'replace', path: '/externalReferenceId', value: opportunityId },
    ]);
  });

  it('disqualified: declines the referral; no opportunity is touched', async () => {
    // The step's image said disqualified even if the read races the state change.
    expect(await sync(LeadState.disqualified)).toEqual({
      outcome: 'succeeded',
      action: 'Lead disqualified: referral declined',
    });
    expect(bed.partnerCenter.referral(referral.id)).toMatchObject({
      status: 'Closed',
      substatus: 'Declined',
    });
    expect(lastBatch().map((op) => [op.method, op.entitySet])).toEqual([
      ['PATCH', EntitySets.lead],
      ['POST', EntitySets.pcs_syncevent],
    ]);
    expect(bed.dataverse.row(EntitySets.lead, leadId)).toMatchObject({
      [LeadColumns.referralStatus]: ReferralStatusOptions.Closed,
      [LeadColumns.referralSubstatus]: ReferralSubstatusOptions.Declined,
    });
  });

  it('sends nothing for an open lead or a lead that did not come from a referral', async () => {
    const batches = bed.dataverse.batches.length;
    const patches = bed.partnerCenter.callsOf('patchReferral').length;
    expect(await sync()).toEqual({ outcome: 'skipped', reason: 'lead is still open' });
    await bed.dataverse.update(EntitySets.lead, leadId, {
      [LeadColumns.referralId]: null,
      [LeadState.stateCode]: LeadState.qualified,
    });
    expect(await sync()).toEqual({ outcome: 'skipped', reason: 'lead has no referral' });
    expect(bed.dataverse.batches).toHaveLength(batches);
    expect(bed.partnerCenter.callsOf('patchReferral')).toHaveLength(patches);
  });
});
