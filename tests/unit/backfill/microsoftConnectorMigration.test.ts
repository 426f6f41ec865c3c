/**
 * `cosell migrate`'s linking, on the typed fakes: opportunities Microsoft's connector linked (its own
 * referral-id and sync columns, named by the admin) get our referral id and sync flag; referrals whose
 * externalReferenceId is an opportunity's id link it; the rest is reported unmatched. A dry run writes
 * nothing and a second run links nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { EntitySets, LeadColumns, OpportunityColumns } from '../../../Domain/constants';
import {
  checkLogicalName,
  migrateFromMicrosoftConnector,
} from '../../../Relay/backfill/microsoftConnectorMigration';
import { receiveReferral } from '../../testkit/referrals';
import { createSyncTestbed } from '../../testkit/syncTestbed';

const OLD_REFERRAL_ID = 'msp_referralid';
const OLD_SYNC = 'msp_syncwithpartnercenter';
const options = { referralIdColumn: OLD_REFERRAL_ID, syncColumn: OLD_SYNC };

function scenario() {
  const bed = createSyncTestbed();
  const { dataverse, partnerCenter } = bed;
  const byOldConnector = receiveReferral(partnerCenter);
  const byExternalId = receiveReferral(partnerCenter);
  const unmatched = receiveReferral(partnerCenter);
  const oldLinked = randomUUID();
  const pointedAt = randomUUID();
  const ours = randomUUID();
  const oursReferral = receiveReferral(partnerCenter);
  const put = (id: string, record: Record<string, unknown>) =>
    dataverse.create(EntitySets.opportunity, { [OpportunityColumns.id]: id, name: id, ...record });
  return {
    bed,
    byOldConnector,
    byExternalId,
    unmatched,
    oursReferral,
    ids: { oldLinked, pointedAt, ours },
    async seed() {
      await put(oldLinked, { [OLD_REFERRAL_ID]: byOldConnector.id, [OLD_SYNC]: true });
      await put(pointedAt, {});
      await put(ours, { [OpportunityColumns.referralId]: oursReferral.id });
      partnerCenter.referrals.patch(
        byExternalId.id,
        [{ op: 'replace', path: '/externalReferenceId', value: pointedAt }],
        undefined,
      );
    },
  };
}

it('links by the old column (copying the sync flag) and by externalReferenceId, reports the rest; twice links nothing twice', async () => {
  const s = scenario();
  await s.seed();
  const { dataverse, partnerCenter } = s.bed;
  const report = await migrateFromMicrosoftConnector(dataverse, partnerCenter, options);
  expect(report.linkedByColumn).toEqual([
    { opportunityId: s.ids.oldLinked, referralId: s.byOldConnector.id },
  ]);
  expect(report.linkedByExternalReference).toEqual([
    { opportunityId: s.ids.pointedAt, referralId: s.byExternalId.id },
  ]);
  expect(report.unmatched.map((l) => l.referralId)).toEqual([s.unmatched.id]);
  expect(dataverse.row(EntitySets.opportunity, s.ids.oldLinked)).toMatchObject({
    [OpportunityColumns.referralId]: s.byOldConnector.id,
    [OpportunityColumns.syncWithPartnerCenter]: true,
  });
  expect(dataverse.row(EntitySets.opportunity, s.ids.pointedAt)).toMatchObject({
    [OpportunityColumns.referralId]: s.byExternalId.id,
  });

  const updatesBefore = dataverse.callsOf('update').length;
  const again = await migrateFromMicrosoftConnector(dataverse, partnerCenter, options);
  expect(again.linkedByColumn).toEqual([]);
  expect(again.linkedByExternalReference).toEqual([]);
  expect(again.skipped).toEqual([
    { opportunityId: s.ids.oldLinked, referralId: s.byOldConnector.id, reason: 'already linked' },
  ]);
  expect(again.unmatched.map((l) => l.referralId)).toEqual([s.unmatched.id]);
  expect(dataverse.callsOf('update').length).toBe(updatesBefore);
});

it('a dry run reports the same links and writes nothing', async () => {
  const s = scenario();
  await s.seed();
  const { dataverse, partnerCenter } = s.bed;
  const updatesBefore = dataverse.callsOf('update').length;
  const report = await migrateFromMicrosoftConnector(dataverse, partnerCenter, { ...options, dryRun: true });
  expect(report.linkedByColumn).toHaveLength(1);
  expect(report.linkedByExternalReference).toHaveLength(1);
  expect(dataverse.callsOf('update').length).toBe(updatesBefore);
  expect(dataverse.row(EntitySets.opportunity, s.ids.oldLinked)?.[OpportunityColumns.referralId]).toBeFalsy();
});

it('refuses anything but a logical name for the columns', () => {
  expect(checkLogicalName('--referral-id-column', 'msp_referralid')).toBe('msp_referralid');
  expect(() => checkLogicalName('--referral-id-column', "x eq 'y' or 1")).toThrow(
    'is not a column logical name',
  );
});

it('refuses this connector\'s own columns (both connectors show a "Sync with Partner Center")', () => {
  expect(() => checkLogicalName('--sync-column', OpportunityColumns.syncWithPartnerCenter)).toThrow(
    `--sync-column ${OpportunityColumns.syncWithPartnerCenter} is this connector's own column`,
  );
});

it('names the referral that holds an opportunity another referral points at', async () => {
  const s = scenario();
  await s.seed();
  const { dataverse, partnerCenter } = s.bed;
  // A second referral whose externalReferenceId is the opportunity the old connector linked.
  const stale = receiveReferral(partnerCenter);
  partnerCenter.referrals.patch(
    stale.id,
    [{ op: 'replace', path: '/externalReferenceId', value: s.ids.oldLinked }],
    undefined,
  );
  const report = await migrateFromMicrosoftConnector(dataverse, partnerCenter, options);
  expect(report.skipped).toContainEqual({
    opportunityId: s.ids.oldLinked,
    referralId: stale.id,
    reason: `the opportunity is linked to referral ${s.byOldConnector.id.toLowerCase()}`,
  });
});

it('leaves a referral whose externalReferenceId is a lead to the inbound sync (skipped, not unmatched)', async () => {
  const s = scenario();
  await s.seed();
  const { dataverse, partnerCenter } = s.bed;
  const leadId = randomUUID();
  await dataverse.create(EntitySets.lead, { [LeadColumns.id]: leadId, subject: 'Brought in as a lead' });
  const asLead = receiveReferral(partnerCenter);
  partnerCenter.referrals.patch(
    asLead.id,
    [{ op: 'replace', path: '/externalReferenceId', value: leadId }],
    undefined,
  );
  const report = await migrateFromMicrosoftConnector(dataverse, partnerCenter, options);
  expect(report.skipped).toContainEqual({
    referralId: asLead.id,
    reason: `its externalReferenceId is lead ${leadId}: \`cosell backfill\` updates that lead`,
  });
  expect(report.unmatched.map((l) => l.referralId)).not.toContain(asLead.id);
});
