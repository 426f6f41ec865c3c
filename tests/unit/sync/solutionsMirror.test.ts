/**
 * Solution changes in Partner Center mirrored onto the opportunity's Microsoft Solutions rows: removals
 * removed, additions added from the catalogue, unknown ids added to the catalogue marked "From Partner
 * Center" — three-way against the last agreed list, so a seller's unpushed edit is never undone — and
 * nothing sent back to Partner Center.
 */
import {
  EntitySets,
  EnvironmentVariables,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  Relationships,
  SolutionDetailColumns,
  SolutionDetailSourceOptions,
  SolutionTypeOptions,
} from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import type { StoredReferral } from '../../../Domain/referral';
import { pullReferral } from '../../../Relay/sync/fromPartnerCenter';
import { pushOpportunity } from '../../../Relay/sync/toPartnerCenter';
import { referralSolutions, solutionsKey, solutionsMappedInbound } from '../../../Relay/sync/solutionsMirror';
import { createCatalogueSolution, createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

const M365 = { id: 'SOL-Microsoft365', name: 'Microsoft365', type: 'Name' };
const ANALYTICS = { id: 'SOL-15974-MQF', name: 'Contoso Analytics', type: 'Name' };
const UNKNOWN = { id: 'SOL-NEW-77', name: 'Fabrikam Insights', publisherName: 'Fabrikam ISV', type: 'Name' };

let bed: SyncTestbed;
let analyticsDetail: string;

beforeEach(async () => {
  bed = createSyncTestbed({
    environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
  });
  await createCatalogueSolution(bed.dataverse, {
    id: M365.id,
    name: 'Microsoft 365',
    publisher: 'Microsoft',
  });
  analyticsDetail = await createCatalogueSolution(bed.dataverse);
});

const pull = async (referral: StoredReferral) =>
  (
    (await pullReferral(
      bed.deps,
      { referralId: referral.id, eventName: 'referral-updated' },
      bed.context,
    )) as {
      recordId: string;
    }
  ).recordId;
const rowsOf = (opportunityId: string) =>
  bed.dataverse
    .rows(EntitySets.pcs_microsoftsolution)
    .filter((r) => r._pcs_opportunityid_value === opportunityId);
const idsOf = (opportunityId: string) =>
  rowsOf(opportunityId)
    .map((r) => r[MicrosoftSolutionColumns.solutionId])
    .sort();
const editSolutions = (referral: StoredReferral, solutions: unknown[]) =>
  bed.partnerCenter.referrals.portalUpdate(referral.id, { solutions });
const sellerAdds = (opportunityId: string, solutionId: string) =>
  bed.dataverse.create(EntitySets.pcs_microsoftsolution, {
    [MicrosoftSolutionColumns.name]: solutionId,
    [MicrosoftSolutionColumns.solutionId]: solutionId,
    [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
  });

it('a removal in Partner Center removes the row, an addition adds it from the catalogue, nothing goes back', async () => {
  const incoming = bed.partnerCenter.referrals.createIncoming({});
  const opportunityId = await pull(incoming);
  expect(idsOf(opportunityId)).toEqual([M365.id]);
  const patches = bed.partnerCenter.callsOf('patchReferral').length;

  await pull(editSolutions(incoming, [ANALYTICS]));
  expect(idsOf(opportunityId)).toEqual([ANALYTICS.id]);
  expect(rowsOf(opportunityId)[0]).toMatchObject({
    [MicrosoftSolutionColumns.name]: 'Contoso Analytics on Azure',
    _pcs_solutiondetailid_value: analyticsDetail,
  });
  expect(String(bed.dataverse.row(EntitySets.opportunity, opportunityId)![OpportunityColumns.audit])).toMatch(
    new RegExp(`pcs_microsoftsolution −${M365.id}, pcs_microsoftsolution \\+${ANALYTICS.id}`),
  );
  expect(bed.partnerCenter.callsOf('patchReferral')).toHaveLength(patches);
});

it('an id the catalogue does not know becomes a catalogue row marked From Partner Center', async () => {
  const incoming = bed.partnerCenter.referrals.createIncoming({});
  const opportunityId = await pull(incoming);
  await pull(editSolutions(incoming, [M365, UNKNOWN]));
  const detail = bed.dataverse
    .rows(EntitySets.pcs_solutiondetail)
    .find((r) => r[SolutionDetailColumns.solutionId] === UNKNOWN.id);
  expect(detail).toMatchObject({
    [SolutionDetailColumns.name]: 'Fabrikam Insights',
    [SolutionDetailColumns.publisherName]: 'Fabrikam ISV',
    [SolutionDetailColumns.solutionType]: SolutionTypeOptions.Name,
    [SolutionDetailColumns.isActive]: true,
    [SolutionDetailColumns.source]: SolutionDetailSourceOptions.PartnerCenter,
  });
  const row = rowsOf(opportunityId).find((r) => r[MicrosoftSolutionColumns.solutionId] === UNKNOWN.id);
  expect(row?._pcs_solutiondetailid_value).toBe(detail![SolutionDetailColumns.id]);
  // The next referral naming it finds it in the catalogue: no second catalogue row.
  const other = bed.partnerCenter.referrals.createIncoming({
    details: { requirements: { solutions: [UNKNOWN] } },
  });
  await pull(other);
  expect(
    bed.dataverse
      .rows(EntitySets.pcs_solutiondetail)
      .filter((r) => r[SolutionDetailColumns.solutionId] === UNKNOWN.id),
  ).toHaveLength(1);
});

it('keeps a row a seller added and has not pushed yet, and does not re-add one a seller removed', async () => {
  const incoming = bed.partnerCenter.referrals.createIncoming({
    details: { requirements: { solutions: [M365, ANALYTICS] } },
  });
  const opportunityId = await pull(incoming);
  await sellerAdds(opportunityId, 'SOL-SELLER-1');
  const analyticsRow = rowsOf(opportunityId).find(
    (r) => r[MicrosoftSolutionColumns.solutionId] === ANALYTICS.id,
  )!;
  await bed.dataverse.delete(
    EntitySets.pcs_microsoftsolution,
    analyticsRow[MicrosoftSolutionColumns.id] as string,
  );

  // Microsoft edits the referral before the seller's change is pushed.
  await pull(bed.partnerCenter.referrals.microsoftUpdate(incoming.id, { notes: 'Microsoft note' }));
  expect(idsOf(opportunityId)).toEqual([M365.id, 'SOL-SELLER-1']);
});

it('the push makes what it sent the agreed list: a later removal in Partner Center is mirrored', async () => {
  const { opportunityId } = await createSeedOpportunity(bed.dataverse);
  await sellerAdds(opportunityId, M365.id);
  const pushed = await pushOpportunity(bed.deps, { opportunityId, reason: 'test' }, bed.context);
  const referral = (pushed as { referral: StoredReferral }).referral;
  expect(JSON.parse((await bed.store.getState(solutionsKey(referral.id)))!)).toEqual(
    [ANALYTICS.id, M365.id].map((s) => s.toLowerCase()),
  );
  await pull(editSolutions(referral, [ANALYTICS]));
  expect(idsOf(opportunityId)).toEqual([ANALYTICS.id]);
});

it('without an agreed list (a referral linked before) the first pull only adds', async () => {
  const incoming = bed.partnerCenter.referrals.createIncoming({});
  const opportunityId = await pull(incoming);
  await bed.store.deleteState(solutionsKey(incoming.id));
  await pull(editSolutions(incoming, [ANALYTICS]));
  expect(idsOf(opportunityId)).toEqual([ANALYTICS.id, M365.id]);
  // From now on the list is agreed: the next removal is mirrored.
  await pull(editSolutions(incoming, [M365]));
  expect(idsOf(opportunityId)).toEqual([M365.id]);
});

describe('reading the referral', () => {
  it('lists each solution once, keeps type and publisher, and tells "no list" from "empty list"', () => {
    expect(
      referralSolutions({
        details: { requirements: { solutions: [UNKNOWN, { ...UNKNOWN, id: 'sol-new-77' }, { id: ' ' }] } },
      }),
    ).toEqual([{ solutionId: UNKNOWN.id, name: UNKNOWN.name, publisherName: 'Fabrikam ISV', type: 'Name' }]);
    expect(referralSolutions({ details: { requirements: { solutions: [] } } })).toEqual([]);
    expect(referralSolutions({ details: {} })).toBeNull();
  });

  it('mirrors only when the field map brings solutions into Dataverse', () => {
    expect(solutionsMappedInbound(DEFAULT_FIELD_MAP)).toBe(true);
    const outboundOnly = {
      ...DEFAULT_FIELD_MAP,
      entries: DEFAULT_FIELD_MAP.entries.map((e) =>
        e.referral === 'details.requirements.solutions[]'
          ? { ...e, direction: 'toPartnerCenter' as const }
          : e,
      ),
    };
    expect(solutionsMappedInbound(outboundOnly)).toBe(false);
  });
});

it('without the integration user configured, the Solution steps of the relay’s own edits send nothing back', async () => {
  const incoming = bed.partnerCenter.referrals.createIncoming({});
  const opportunityId = await pull(incoming);
  await pull(editSolutions(incoming, [ANALYTICS, UNKNOWN]));
  const patches = bed.partnerCenter.callsOf('patchReferral').length;
  // The job a Solution Create / Delete step would queue.
  await pushOpportunity(bed.deps, { opportunityId, reason: 'Solution Delete' }, bed.context);
  expect(bed.partnerCenter.callsOf('patchReferral')).toHaveLength(patches);
});
