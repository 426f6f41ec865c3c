/** One seller-created opportunity with its account, contact and solution row (sandbox seed, tests). */
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  HelpNeededOptions,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  OpportunityNavigation,
  ReferralVisibility,
  Relationships,
} from '../../Domain/constants';
import type { DataverseApi } from '../../Relay/ports';

export interface SeedOpportunity {
  account: string;
  postalCode: string;
  country: string;
  contact: [firstName: string, lastName: string, email: string];
  name: string;
  value: number;
  coSell: boolean;
  solutionId: string | null;
  sync: boolean;
}

export async function createSeedOpportunity(seller: DataverseApi, seed: SeedOpportunity): Promise<string> {
  const accountId = await seller.create(EntitySets.account, {
    [AccountColumns.name]: seed.account,
    [AccountColumns.line1]: '1 Main Street',
    [AccountColumns.city]: 'Seattle',
    [AccountColumns.postalCode]: seed.postalCode,
    [AccountColumns.country]: seed.country,
  });
  const contactId = await seller.create(EntitySets.contact, {
    [ContactColumns.firstName]: seed.contact[0],
    [ContactColumns.lastName]: seed.contact[1],
    [ContactColumns.email]: seed.contact[2],
    [ContactColumns.phone]: '+1 206 555 0100',
  });
  const opportunityId = await seller.create(EntitySets.opportunity, {
    [OpportunityColumns.name]: seed.name,
    [OpportunityColumns.estimatedValue]: seed.value,
    [OpportunityColumns.estimatedCloseDate]: '2026-09-30',
    [OpportunityColumns.description]: `${seed.name}: sample opportunity`,
    [OpportunityColumns.referralVisibility]: seed.coSell
      ? ReferralVisibility.visible
      : ReferralVisibility.notVisible,
    ...(seed.coSell ? { [OpportunityColumns.helpNeeded]: HelpNeededOptions.ProofOfConceptOrDemo } : {}),
    [OpportunityColumns.syncWithPartnerCenter]: false,
    [`${OpportunityNavigation.parentAccount}@odata.bind`]: `/${EntitySets.account}(${accountId})`,
    [`${OpportunityNavigation.parentContact}@odata.bind`]: `/${EntitySets.contact}(${contactId})`,
  });
  if (seed.solutionId) {
    await seller.create(EntitySets.pcs_microsoftsolution, {
      [MicrosoftSolutionColumns.name]: seed.solutionId,
      [MicrosoftSolutionColumns.solutionId]: seed.solutionId,
      [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
    });
  }
  if (seed.sync) {
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
  }
  return opportunityId;
}
