/**
 * Solution rows picked from the catalogue, on the typed fakes: the copy of id, name and publisher
 * from the catalogue row (only what differs, blank catalogue values never copied), the sync it queues
 * behind itself for the opportunity, the order guarantee that makes that sync see the ids, and the
 * reconciliation pass that finds rows whose id was never copied.
 */
import {
  EntitySets,
  MicrosoftSolutionColumns as MS,
  OpportunityColumns,
  Relationships,
  SolutionDetailColumns as SD,
  SyncStatus,
} from '../../../Domain/constants';
import { opportunitySyncJob, solutionFromCatalogueJob } from '../../../Relay/ports';
import { reconcile } from '../../../Relay/sync/reconcile';
import { copyFromCatalogue, queueEmptySolutionIds } from '../../../Relay/sync/solutionCatalogue';
import { createCatalogueSolution, createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';
import { RecordingLogger } from '../../testkit/recording';

let bed: SyncTestbed;
let catalogueId: string;
beforeEach(async () => {
  bed = createSyncTestbed();
  catalogueId = await createCatalogueSolution(bed.dataverse);
});

/** What a seller does in Dynamics 365: a row with the opportunity and the catalogue lookups, nothing else. */
const pickFromCatalogue = (opportunityId: string | null, detailId = catalogueId) =>
  bed.dataverse.create(EntitySets.pcs_microsoftsolution, {
    ...(opportunityId
      ? {
          [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
        }
      : {}),
    [`${Relationships.solutionDetailSolutions.navigation}@odata.bind`]: `/${EntitySets.pcs_solutiondetail}(${detailId})`,
  });
const row = (id: string) => bed.dataverse.row(EntitySets.pcs_microsoftsolution, id)!;
const copy = (opportunityId: string | null, solutionRowId: string | null = null) =>
  copyFromCatalogue(bed.deps, { opportunityId, solutionRowId, reason: 'test' }, bed.context);

describe('copyFromCatalogue', () => {
  it('copies id, name and publisher onto every catalogue row of the opportunity, then queues its sync', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse, { solutionId: null, sync: false });
    const first = await pickFromCatalogue(opportunityId);
    const second = await pickFromCatalogue(opportunityId);
    expect(row(first)[MS.solutionId]).toBeUndefined();

    expect(await copy(opportunityId)).toEqual({ copied: 2, opportunityId });
    for (const id of [first, second]) {
      expect(row(id)).toMatchObject({
        [MS.solutionId]: 'SOL-15974-MQF',
        [MS.name]: 'Contoso Analytics on Azure',
        [MS.publisherName]: 'Contoso',
      });
    }
    expect(await bed.store.depth()).toMatchObject({ queued: 1 });
    // Nothing differs any more: a second copy writes nothing.
    const writes = bed.dataverse.callsOf('update').length;
    expect(await copy(opportunityId)).toEqual({ copied: 0, opportunityId });
    expect(bed.dataverse.callsOf('update')).toHaveLength(writes);
  });

  it('puts back an id typed over the catalogue one, and never copies a blank catalogue value', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse, { solutionId: null, sync: false });
    const id = await pickFromCatalogue(opportunityId);
    await bed.dataverse.update(EntitySets.pcs_microsoftsolution, id, {
      [MS.solutionId]: 'typed by hand',
      [MS.name]: 'My name for it',
    });
    const blankPublisher = await bed.dataverse.create(EntitySets.pcs_solutiondetail, {
      [SD.name]: 'No publisher yet',
      [SD.solutionId]: 'SOL-1',
    });
    const other = await pickFromCatalogue(opportunityId, blankPublisher);
    await bed.dataverse.update(EntitySets.pcs_microsoftsolution, other, { [MS.publisherName]: 'kept' });
    await copy(opportunityId);
    expect(row(id)).toMatchObject({
      [MS.solutionId]: 'SOL-15974-MQF',
      [MS.name]: 'Contoso Analytics on Azure',
    });
    expect(row(other)).toMatchObject({ [MS.solutionId]: 'SOL-1', [MS.publisherName]: 'kept' });
  });

  it('copies a row not on an opportunity by its id, and queues no sync', async () => {
    const id = await pickFromCatalogue(null);
    expect(await copy(null, id)).toEqual({ copied: 1, opportunityId: null });
    expect(row(id)[MS.solutionId]).toBe('SOL-15974-MQF');
    expect(await bed.store.depth()).toMatchObject({ queued: 0 });
    // Deleted meanwhile: nothing to do.
    await bed.dataverse.delete(EntitySets.pcs_microsoftsolution, id);
    expect(await copy(null, id)).toEqual({ copied: 0, opportunityId: null });
  });

  it('runs before a sync of the same opportunity queued after it, so the deal is shared with the copied id', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse, { solutionId: null, sync: false });
    await pickFromCatalogue(opportunityId);
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
    // The row's Create step and then the opportunity's Update step, in the order Dataverse sends them.
    await bed.store.enqueue([
      solutionFromCatalogueJob({ opportunityId, solutionRowId: null, reason: 'Create' }),
    ]);
    await bed.store.enqueue([opportunitySyncJob({ opportunityId, reason: 'Update' })]);
    await bed.drain();
    expect(bed.dataverse.row(EntitySets.opportunity, opportunityId)).toMatchObject({
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
    });
    const [created] = bed.partnerCenter.callsOf('createReferral');
    expect((created?.body as { details: { requirements: unknown } }).details.requirements).toMatchObject({
      solutions: [
        { type: 'Name', id: 'SOL-15974-MQF', name: 'Contoso Analytics on Azure', publisherName: 'Contoso' },
      ],
    });
  });
});

describe('reconciliation of rows whose id was never copied', () => {
  it('queues one copy per opportunity and one per row not on an opportunity; filled rows are left alone', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse, { solutionId: null, sync: false });
    await pickFromCatalogue(opportunityId);
    await pickFromCatalogue(opportunityId);
    const loose = await pickFromCatalogue(null);
    expect(await queueEmptySolutionIds(bed.deps)).toBe(2);
    expect(await bed.store.depth()).toMatchObject({ queued: 2 });

    // reconcile() runs it too; the copies then fill the ids.
    await reconcile(bed.deps, new RecordingLogger());
    await bed.drain();
    const empty = bed.dataverse.rows(EntitySets.pcs_microsoftsolution).filter((r) => !r[MS.solutionId]);
    expect(empty).toEqual([]);
    expect(row(loose)[MS.solutionId]).toBe('SOL-15974-MQF');
    // Rows with their id are left alone.
    expect(await queueEmptySolutionIds(bed.deps)).toBe(0);
  });
});
