/**
 * Choosing a catalogue solution fills its Solution ID server-side, end to end: a seller adds a
 * *Microsoft Partner Center Solutions* row with only the catalogue lookup (what Dataverse stores when
 * a row is picked; nothing copies the catalogue's columns), the Dataverse simulator posts the row's
 * Create step to the relay, the relay copies id, name and publisher from the catalogue row and syncs
 * the opportunity: the deal that was ✖ "add at least one Microsoft solution" turns ✔. A row whose
 * event never reached the relay is repaired by reconciliation.
 */
import {
  EntitySets,
  MicrosoftSolutionColumns as MS,
  OpportunityColumns,
  RegistrationColumns,
  RegistrationEntitySets,
  Relationships,
  SolutionDetailColumns as SD,
  SyncStatus,
  Tables,
} from '../../../Domain/constants';
import { lookup, where } from '../../../Domain/odataQuery';
import { stepName } from '../../../Plugins/manifest';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { startTestStack, type TestStack } from '../../testkit/stack';

const CREATE_STEP = stepName(Tables.microsoftSolution, 'Create');

describe('solution rows picked from the catalogue', () => {
  let stack: TestStack;
  let catalogueId: string;
  beforeAll(async () => {
    stack = await startTestStack();
    const [row] = await stack.dataverseClient.retrieveMultiple(EntitySets.pcs_solutiondetail, {
      select: [SD.id],
      filter: where.eq(SD.solutionId, 'SOL-15974-MQF'),
    });
    catalogueId = String(row![SD.id]);
  });

  /** The seller picks the catalogue row on the opportunity's Microsoft Solutions subgrid. */
  const pick = (opportunityId: string) =>
    stack.sellerClient().create(EntitySets.pcs_microsoftsolution, {
      [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
      [`${Relationships.solutionDetailSolutions.navigation}@odata.bind`]: `/${EntitySets.pcs_solutiondetail}(${catalogueId})`,
    });
  const solutionRows = (opportunityId: string) =>
    stack.dataverseClient.retrieveMultiple(EntitySets.pcs_microsoftsolution, {
      select: [MS.solutionId, MS.name, MS.publisherName],
      filter: where.eq(lookup(MS.opportunity), opportunityId),
    });
  const blockedDeal = async (name: string) => {
    const { opportunityId } = await createSeedOpportunity(stack.sellerClient(), { name, solutionId: null });
    await stack.settle();
    const blocked = await stack.opportunity(opportunityId);
    expect(blocked[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
    expect(String(blocked[OpportunityColumns.audit])).toContain('Add at least one Microsoft solution');
    return opportunityId;
  };

  it('the relay copies id, name and publisher from the catalogue and the deal turns ✔', async () => {
    const opportunityId = await blockedDeal('Picked from the catalogue');
    await pick(opportunityId);
    await stack.settle();
    expect(await solutionRows(opportunityId)).toEqual([
      expect.objectContaining({
        [MS.solutionId]: 'SOL-15974-MQF',
        [MS.name]: 'Contoso Analytics on Azure',
        [MS.publisherName]: 'Contoso',
      }),
    ]);
    const synced = await stack.opportunity(opportunityId);
    expect(synced).toMatchObject({
      [OpportunityColumns.name]: 'Picked from the catalogue ✔',
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
    });
    const referral = await stack.partnerCenterClient.getReferral(
      synced[OpportunityColumns.referralId] as string,
    );
    expect(referral.details?.requirements?.solutions).toEqual([
      expect.objectContaining({
        id: 'SOL-15974-MQF',
        name: 'Contoso Analytics on Azure',
        publisherName: 'Contoso',
      }),
    ]);
  });

  it('a row whose webhook never reached the relay is repaired by reconciliation', async () => {
    const opportunityId = await blockedDeal('Repaired by reconciliation');
    // The Create step is off while the seller adds the row (as if Dataverse had given up on it).
    const [step] = await stack.dataverseClient.retrieveMultiple(RegistrationEntitySets.steps, {
      select: [RegistrationColumns.step.id],
      filter: where.eq(RegistrationColumns.step.name, CREATE_STEP),
    });
    const stepId = String(step![RegistrationColumns.step.id]);
    await stack.dataverseClient.update(RegistrationEntitySets.steps, stepId, { statecode: 1 });
    try {
      await pick(opportunityId);
      await stack.settle();
    } finally {
      await stack.dataverseClient.update(RegistrationEntitySets.steps, stepId, { statecode: 0 });
    }
    expect((await solutionRows(opportunityId))[0]?.[MS.solutionId]).toBeNull();
    expect((await stack.opportunity(opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);

    await stack.relay.reconcileNow();
    await stack.settle();
    expect((await solutionRows(opportunityId))[0]?.[MS.solutionId]).toBe('SOL-15974-MQF');
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.name]: 'Repaired by reconciliation ✔',
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
    });
  });
});
