/**
 * Fixing the cause turns ✖ into ✔ by itself, end to end: `cosell setup` registers webhook steps on
 * account and contact Update filtered to the columns the sharing rules read; a seller fixes the account's
 * country or the contact's email through the Web API, the Dataverse simulator posts the step's
 * RemoteExecutionContext to the relay, and the deals in error sync again — nobody touches the
 * opportunity. The account step's filter follows pcs_CountryCodeFieldName.
 */
import {
  AccountColumns,
  ContactColumns,
  EnvironmentVariables,
  EntitySets,
  OpportunityColumns,
  RegistrationColumns,
  RegistrationEntitySets,
  SyncStatus,
  Tables,
} from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import { stepName } from '../../../Plugins/manifest';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { startTestStack, type TestStack } from '../../testkit/stack';

describe('a fixed account or contact re-syncs its deals in error', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });

  const filterOf = async (table: string) => {
    const [step] = await stack.dataverseClient.retrieveMultiple(RegistrationEntitySets.steps, {
      select: [RegistrationColumns.step.filteringAttributes],
      filter: where.eq(RegistrationColumns.step.name, stepName(table, 'Update')),
    });
    return String(step?.[RegistrationColumns.step.filteringAttributes] ?? '').split(',');
  };
  /** Deliveries of the customer step on `table` so far. */
  const customerDeliveries = (table: string) =>
    stack.dataverse.deliveries().filter((d) => d.stepName === stepName(table, 'Update'));

  it('setup registers the steps, filtered to the columns the sharing rules read', async () => {
    expect(await filterOf(Tables.account)).toEqual([AccountColumns.country]);
    expect(await filterOf(Tables.contact)).toEqual([
      ContactColumns.email,
      ContactColumns.firstName,
      ContactColumns.lastName,
      ContactColumns.phone,
    ]);
  });

  it('the seller corrects the account country: the deal turns ✔ without a save of the opportunity', async () => {
    const seller = stack.sellerClient();
    const { opportunityId, accountId } = await createSeedOpportunity(seller, {
      name: 'Fixed on the account',
      country: 'United States',
    });
    await stack.settle();
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.name]: 'Fixed on the account ✖',
      [OpportunityColumns.syncStatus]: SyncStatus.error,
    });

    // A column the rules do not read: Dataverse does not call the relay at all.
    const before = customerDeliveries(Tables.account).length;
    await seller.update(EntitySets.account, accountId, { telephone1: '+1 312 555 0100' });
    await stack.settle();
    expect(customerDeliveries(Tables.account)).toHaveLength(before);

    await seller.update(EntitySets.account, accountId, { [AccountColumns.country]: 'US' });
    await stack.settle();
    expect(customerDeliveries(Tables.account)).toHaveLength(before + 1);
    const fixed = await stack.opportunity(opportunityId);
    expect(fixed).toMatchObject({
      [OpportunityColumns.name]: 'Fixed on the account ✔',
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
    });
    const referral = await stack.partnerCenterClient.getReferral(
      fixed[OpportunityColumns.referralId] as string,
    );
    expect(referral.customerProfile?.address?.country).toBe('US');
  });

  it('the seller adds the contact email co-sell needs: the deal turns ✔', async () => {
    const seller = stack.sellerClient();
    const { opportunityId, contactId } = await createSeedOpportunity(seller, {
      name: 'Fixed on the contact',
      contact: ['Tess', 'Ortiz', ''],
    });
    await stack.settle();
    expect((await stack.opportunity(opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
    await seller.update(EntitySets.contact, contactId, { [ContactColumns.email]: 'tess@tailspin.example' });
    await stack.settle();
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.name]: 'Fixed on the contact ✔',
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
    });
  });

  it('the account step follows pcs_CountryCodeFieldName when the admin changes it', async () => {
    const CODE_COLUMN = 'address2_country';
    // The admin sets the variable in the maker portal (a value row); the relay's next read of the map
    // applies it and realigns the step, as it does for the opportunity step.
    const [definition] = await stack.dataverseClient.retrieveMultiple(
      RegistrationEntitySets.environmentVariableDefinitions,
      {
        select: [RegistrationColumns.environmentVariableDefinition.id],
        filter: where.eq(
          RegistrationColumns.environmentVariableValue.schemaName,
          EnvironmentVariables.countryCodeFieldName,
        ),
      },
    );
    const valueId = await stack.adminClient.create(RegistrationEntitySets.environmentVariableValues, {
      [RegistrationColumns.environmentVariableValue.schemaName]: EnvironmentVariables.countryCodeFieldName,
      [RegistrationColumns.environmentVariableValue.value]: CODE_COLUMN,
      [`${RegistrationColumns.environmentVariableValue.definitionNavigation}@odata.bind`]: `/${RegistrationEntitySets.environmentVariableDefinitions}(${String(definition![RegistrationColumns.environmentVariableDefinition.id])})`,
    });
    try {
      stack.relay.sync.settings.invalidate();
      expect(await stack.relay.sync.fieldMaps.refresh()).toMatchObject({ ok: true });
      expect(await filterOf(Tables.account)).toEqual([CODE_COLUMN]);

      const seller = stack.sellerClient();
      const { opportunityId, accountId } = await createSeedOpportunity(seller, { name: 'Code column' });
      await stack.settle();
      // The seed fills address1_country only: the code column is empty, so the deal is blocked.
      expect((await stack.opportunity(opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
      const before = customerDeliveries(Tables.account).length;
      await seller.update(EntitySets.account, accountId, { [AccountColumns.country]: 'Canada' });
      await stack.settle();
      expect(customerDeliveries(Tables.account)).toHaveLength(before);
      await seller.update(EntitySets.account, accountId, { [CODE_COLUMN]: 'US' });
      await stack.settle();
      expect(await stack.opportunity(opportunityId)).toMatchObject({
        [OpportunityColumns.name]: 'Code column ✔',
        [OpportunityColumns.syncStatus]: SyncStatus.synced,
      });
    } finally {
      await stack.adminClient.delete(RegistrationEntitySets.environmentVariableValues, valueId);
      stack.relay.sync.settings.invalidate();
      await stack.relay.sync.fieldMaps.refresh();
    }
    expect(await filterOf(Tables.account)).toEqual([AccountColumns.country]);
  });
});
