/**
 * Reads made up front in one $batch and handed to the code that asks for them: the same answers as
 * asking one by one, in one round-trip.
 */
import { EntitySets } from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import { withPrefetchedReads } from '../../../Relay/sync/prefetchedReads';
import { retrieveOrNull } from '../../../Relay/sync/reads';
import { FakeDataverse } from '../../testkit/fakeDataverse';

const MISSING = '00000000-0000-4000-8000-00000000dead';
const byName = (name: string) => ({ select: ['accountid'], filter: where.eq('name', name), top: 1 });

describe('withPrefetchedReads', () => {
  let dataverse: FakeDataverse;
  let contoso: string;
  beforeEach(async () => {
    dataverse = new FakeDataverse();
    contoso = await dataverse.create(EntitySets.account, { name: 'Contoso' });
  });

  it('answers the prefetched reads from one $batch, each once, and passes the rest through', async () => {
    const reader = await withPrefetchedReads(dataverse, [
      { entitySet: EntitySets.account, query: byName('Contoso') },
      { entitySet: EntitySets.account, id: contoso.toUpperCase(), query: { select: ['name'] } },
      { entitySet: EntitySets.account, id: MISSING },
      // Asked twice, fetched once.
      { entitySet: EntitySets.account, query: byName('Contoso') },
    ]);
    expect(dataverse.calls.map((c) => c.operation).filter((o) => o !== 'create')).toEqual(['retrieveBatch']);
    const before = dataverse.calls.length;

    expect(await reader.retrieveMultiple(EntitySets.account, byName('Contoso'))).toEqual([
      expect.objectContaining({ accountid: contoso }),
    ]);
    expect(await reader.retrieve(EntitySets.account, contoso, { select: ['name'] })).toMatchObject({
      name: 'Contoso',
    });
    // A prefetched 404 is a 404, as the single read would have been.
    expect(await retrieveOrNull(reader, EntitySets.account, MISSING)).toBeNull();
    expect(dataverse.calls).toHaveLength(before);

    // Each answer serves once: the same read again (it may follow a write) goes to Dataverse.
    await dataverse.create(EntitySets.account, { name: 'Contoso' });
    expect(await reader.retrieveMultiple(EntitySets.account, { ...byName('Contoso'), top: 2 })).toHaveLength(
      2,
    );
    expect(await reader.retrieveMultiple(EntitySets.account, byName('Contoso'))).toHaveLength(1);
    // Reads with options (annotations here) are never served from the batch; writes go through.
    await reader.retrieve(EntitySets.account, contoso, undefined, { annotations: true });
    await reader.update(EntitySets.account, contoso, { name: 'Contoso Ltd' });
    expect(dataverse.calls.slice(before).map((c) => c.operation)).toEqual([
      'create',
      'retrieveMultiple',
      'retrieveMultiple',
      'retrieve',
      'update',
    ]);
  });

  it('makes no call when nothing is to be read', async () => {
    const before = dataverse.calls.length;
    expect(await withPrefetchedReads(dataverse, [])).toBe(dataverse);
    expect(dataverse.calls).toHaveLength(before);
  });
});
