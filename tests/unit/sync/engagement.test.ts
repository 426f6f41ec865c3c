/**
 * Microsoft's side of a co-sell deal on the opportunity, on the typed fakes: a Microsoft seller
 * engages (related-referral-created) → seller, note, status, times and CRM id in their columns, an
 * audit line and one sync event; a repeated webhook writes nothing; Microsoft's later change is an
 * "updated" event. A referral Microsoft sends arrives with its seller, message and expiry.
 */
import {
  EntitySets,
  EnvironmentVariables,
  LeadColumns,
  OpportunityColumns,
  ReferralSubstatusOptions,
  SyncEventColumns,
  SystemColumns,
  UserSettings,
} from '../../../Domain/constants';
import { columnName, lookup } from '../../../Domain/odataQuery';
import type { StoredReferral } from '../../../Domain/referral';
import { referralPullJob } from '../../../Relay/ports';
import { pullMicrosoftEngagement } from '../../../Relay/sync/engagement';
import { pushOpportunity } from '../../../Relay/sync/toPartnerCenter';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { publishedInvalidJson } from '../../testkit/fixtureFiles';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

let bed: SyncTestbed;
beforeEach(() => {
  bed = createSyncTestbed();
});

const opportunity = (id: string) => bed.dataverse.row(EntitySets.opportunity, id)!;
const eventsOf = (id: string) =>
  bed.dataverse
    .rows(EntitySets.pcs_syncevent)
    .filter((e) => e[`_${SyncEventColumns.opportunity}_value`] === id);
const related = (referralId: string, eventName = 'related-referral-created') =>
  bed.store.enqueue([referralPullJob({ referralId, eventName }, true)]);

async function sharedDeal(): Promise<{ opportunityId: string; referral: StoredReferral }> {
  const { opportunityId } = await createSeedOpportunity(bed.dataverse);
  const pushed = await pushOpportunity(bed.deps, { opportunityId, reason: 'test' }, bed.context);
  return { opportunityId, referral: (pushed as { referral: StoredReferral }).referral };
}

describe('a Microsoft seller engages on our co-sell', () => {
  it('shows who, when, the note, the status and the CRM id, once', async () => {
    const { opportunityId, referral } = await sharedDeal();
    bed.clock.advance(60_000);
    const engaged = bed.partnerCenter.referrals.engage(referral.id, {
      msxId: '7-ENGAGED01',
      seller: { firstName: 'Mia', lastName: 'Seller', email: 'mia.seller@microsoft.example' },
      notes: 'I will bring the Azure specialist to the next call.',
    });
    await related(engaged.related.id);
    await bed.drain();

    expect(opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.microsoftSellerName]: 'Mia Seller',
      [OpportunityColumns.microsoftSellerEmail]: 'mia.seller@microsoft.example',
      [OpportunityColumns.microsoftEngagedOn]: '2026-03-01T12:01:00.000Z',
      [OpportunityColumns.microsoftUpdatedOn]: '2026-03-01T12:01:00.000Z',
      [OpportunityColumns.microsoftNotes]: 'I will bring the Azure specialist to the next call.',
      [OpportunityColumns.microsoftStatus]: ReferralSubstatusOptions.Accepted,
      [OpportunityColumns.microsoftCrmId]: '7-ENGAGED01',
    });
    const message =
      'Microsoft joined the engagement (Accepted, Microsoft CRM id 7-ENGAGED01). Microsoft seller: ' +
      'Mia Seller <mia.seller@microsoft.example>. Note from Microsoft: “I will bring the Azure specialist to the next call.”';
    expect(eventsOf(opportunityId).at(-1)).toMatchObject({
      [SyncEventColumns.name]: 'Microsoft engagement',
      [SyncEventColumns.message]: message,
      [SyncEventColumns.referralId]: engaged.related.id,
    });
    expect(String(opportunity(opportunityId)[OpportunityColumns.audit]).split('\n')[0]).toContain(message);

    // The same webhook again (Partner Center retries, duplicates): nothing new to show.
    const events = eventsOf(opportunityId).length;
    await related(engaged.related.id);
    await bed.drain();
    expect(eventsOf(opportunityId)).toHaveLength(events);
  });

  it('Microsoft’s later change (closed as won, new note) is an update, in the owner’s language', async () => {
    const { opportunityId, referral } = await sharedDeal();
    const owner = '0000aaaa-0000-4000-8000-000000000046';
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [columnName(lookup(SystemColumns.ownerId))]: owner,
    });
    await bed.dataverse.create(UserSettings.entitySet, {
      [UserSettings.systemUserId]: owner,
      [UserSettings.uiLanguageId]: 1046,
    });
    const { related: microsofts } = bed.partnerCenter.referrals.engage(referral.id, { msxId: '7-X' });
    await related(microsofts.id);
    await bed.drain();
    bed.clock.advance(3_600_000);
    bed.partnerCenter.referrals.microsoftUpdate(microsofts.id, {
      substatus: 'Won',
      notes: 'Contrato assinado',
    });
    await related(microsofts.id, 'related-referral-updated');
    await bed.drain();
    expect(opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.microsoftStatus]: ReferralSubstatusOptions.Won,
      [OpportunityColumns.microsoftUpdatedOn]: '2026-03-01T13:00:00.000Z',
      [OpportunityColumns.microsoftNotes]: 'Contrato assinado',
    });
    expect(eventsOf(opportunityId).at(-1)).toMatchObject({
      [SyncEventColumns.name]: 'Engajamento da Microsoft',
      [SyncEventColumns.message]: expect.stringMatching(
        /^A Microsoft atualizou o engajamento \(Ganha, ID do CRM da Microsoft 7-X\)\. Vendedor da Microsoft: Mia Seller .* Nota da Microsoft: “Contrato assinado”$/,
      ),
    });
  });

  it('skips a related referral that is not Microsoft’s, and one Partner Center no longer has', async () => {
    const { referral } = await sharedDeal();
    expect(
      await pullMicrosoftEngagement(bed.deps, { referralId: referral.id, eventName: 'x' }, bed.context),
    ).toEqual({ outcome: 'skipped', reason: 'the related referral is not Microsoft’s' });
    bed.partnerCenter.failNext('getReferral', 404);
    expect(
      await pullMicrosoftEngagement(bed.deps, { referralId: referral.id, eventName: 'x' }, bed.context),
    ).toEqual({ outcome: 'skipped', reason: 'related referral not found' });
  });
});

describe('a referral Microsoft sends (published 2019 sample)', () => {
  const sample = () => {
    const list = publishedInvalidJson('referrals-list-2019-11.response.invalid-json.txt') as {
      value: Record<string, unknown>[];
    };
    // Content only (the service assigns id, engagement, dates); `ids: {}` as published is not an array.
    const {
      id: _id,
      engagementId: _e,
      links: _l,
      createdDateTime: _c,
      updatedDateTime: _u,
      organizationId: _o,
      organizationName: _n,
      ...content
    } = list.value[1]!;
    const customerProfile = { ...(content.customerProfile as object), ids: [] };
    return { ...content, customerProfile, direction: 'Incoming', expirationDateTime: '2026-03-08T00:00:00Z' };
  };

  it('arrives with the Microsoft seller, the message and when it expires', async () => {
    bed = createSyncTestbed({
      environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
    });
    const referral = bed.partnerCenter.receive(sample());
    await bed.store.enqueue([
      referralPullJob({ referralId: referral.id, eventName: 'referral-created' }, false),
    ]);
    await bed.drain();
    const [row] = bed.dataverse.rows(EntitySets.opportunity);
    expect(row).toMatchObject({
      [OpportunityColumns.microsoftSellerName]: 'John Doe',
      [OpportunityColumns.microsoftSellerEmail]: 'john.doe@microsoft.com',
      [OpportunityColumns.microsoftNotes]:
        'Hi ABC Partner, hoping you can help this customer. Thanks, John @ Microsoft',
      [OpportunityColumns.microsoftEngagedOn]: '2026-03-01T12:00:00.000Z',
      [OpportunityColumns.referralExpiresOn]: '2026-03-08T00:00:00.000Z',
      [OpportunityColumns.referralExpiryEstimated]: false,
    });
  });

  it('as a lead (pcs_MicrosoftReferralTarget = lead): the expiry, estimated when Partner Center gives none', async () => {
    bed = createSyncTestbed({
      environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'lead' },
    });
    const referral = bed.partnerCenter.receive({ ...sample(), expirationDateTime: null });
    await bed.store.enqueue([
      referralPullJob({ referralId: referral.id, eventName: 'referral-created' }, false),
    ]);
    await bed.drain();
    const [lead] = bed.dataverse.rows(EntitySets.lead);
    expect(lead).toMatchObject({
      [LeadColumns.referralExpiresOn]: '2026-03-15T12:00:00.000Z',
      [LeadColumns.referralExpiryEstimated]: true,
    });
  });
});
