/**
 * A fixed account or contact re-syncs its deals in error, on the typed fakes: only deals of that
 * customer with sync on and in error are queued, and running the queue turns them ✔.
 */
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  OpportunityColumns,
  SyncStatus,
} from '../../../Domain/constants';
import { resyncDealsInError } from '../../../Relay/sync/customerChange';
import { pushOpportunity } from '../../../Relay/sync/toPartnerCenter';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

let bed: SyncTestbed;
beforeEach(() => {
  bed = createSyncTestbed();
});

const opportunity = (id: string) => bed.dataverse.row(EntitySets.opportunity, id)!;
const push = (opportunityId: string) =>
  pushOpportunity(bed.deps, { opportunityId, reason: 'test' }, bed.context);

describe('resyncDealsInError', () => {
  it('queues the deals of the account that have sync on and are in error, and they turn ✔', async () => {
    const blocked = await createSeedOpportunity(bed.dataverse, {
      name: 'Blocked by country',
      country: 'United States',
    });
    await push(blocked.opportunityId);
    expect(opportunity(blocked.opportunityId)).toMatchObject({
      [OpportunityColumns.syncStatus]: SyncStatus.error,
      [OpportunityColumns.name]: 'Blocked by country ✖',
    });
    // Same account: one deal with sync off, one never synced (not in error).
    const off = await createSeedOpportunity(bed.dataverse, { sync: false });
    await bed.dataverse.update(EntitySets.opportunity, off.opportunityId, {
      [`${OpportunityColumns.parentAccount}@odata.bind`]: `/${EntitySets.account}(${blocked.accountId})`,
      [OpportunityColumns.syncStatus]: SyncStatus.error,
    });
    // Another customer's deal in error is not touched.
    const elsewhere = await createSeedOpportunity(bed.dataverse, { country: 'Brasil' });
    await push(elsewhere.opportunityId);

    await bed.dataverse.update(EntitySets.account, blocked.accountId, { [AccountColumns.country]: 'US' });
    expect(
      await resyncDealsInError(
        bed.deps,
        { table: 'account', id: blocked.accountId, reason: 'test' },
        bed.context,
      ),
    ).toEqual({ queued: 1 });
    const [query] = bed.dataverse.callsOf('retrieveMultiple').slice(-1);
    expect(query?.query).toBe(
      `?$select=opportunityid&$filter=_parentaccountid_value eq ${blocked.accountId} and ` +
        `pcs_syncwithpartnercenter eq true and pcs_syncstatus eq ${SyncStatus.error}`,
    );
    await bed.drain();
    expect(opportunity(blocked.opportunityId)).toMatchObject({
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
      [OpportunityColumns.name]: 'Blocked by country ✔',
    });
    expect(opportunity(elsewhere.opportunityId)[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
  });

  it('queues the deals whose customer contact was fixed', async () => {
    const { opportunityId, contactId } = await createSeedOpportunity(bed.dataverse, {
      name: 'No email',
      contact: ['Tess', 'Ortiz', ''],
    });
    await push(opportunityId);
    expect(opportunity(opportunityId)[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
    await bed.dataverse.update(EntitySets.contact, contactId, {
      [ContactColumns.email]: 'tess@tailspin.example',
    });
    expect(
      await resyncDealsInError(bed.deps, { table: 'contact', id: contactId, reason: 'test' }, bed.context),
    ).toEqual({ queued: 1 });
    await bed.drain();
    expect(opportunity(opportunityId)[OpportunityColumns.name]).toBe('No email ✔');
  });
});
