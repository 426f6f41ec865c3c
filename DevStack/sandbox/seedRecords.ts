/**
 * Seller-created records — an opportunity with its account, customer contact and solution row, and
 * catalogue solutions — written through the DataverseApi port, so the same builders seed the sandbox,
 * the end-to-end tests (Dataverse simulator) and the unit tests (tests/testkit FakeDataverse).
 */
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  HelpNeededOptions,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  OpportunityNavigation,
  ReferralAttributeCategoryOptions,
  ReferralAttributeColumns,
  ReferralFieldColumns,
  ReferralVisibility,
  Relationships,
  SolutionDetailColumns,
  SolutionKindOptions,
  SolutionTypeOptions,
  type ReferralAttributeCategory,
} from '../../Domain/constants';
import type { DataverseRecord } from '../../Domain/opportunity';
import type { DataverseApi } from '../../Relay/ports';

export interface SeedOpportunity {
  account: string;
  line1: string;
  city: string;
  state: string | null;
  postalCode: string;
  country: string;
  contact: [firstName: string, lastName: string, email: string];
  phone: string;
  name: string;
  value: number;
  closeDate: string;
  description: string;
  /** Shared with Microsoft with a help request (co-sell); else private. */
  coSell: boolean;
  /** Solution row on the opportunity (null: none). */
  solutionId: string | null;
  solutionName: string;
  /** Catalogue row (Microsoft Solution Details) the solution row points at, if any. */
  solutionDetailId?: string | null;
  /** Referral Attributes rows for solution area, play and partner role (ids), if chosen. */
  referralAttributes?: Partial<Record<'solutionArea' | 'solutionPlay' | 'partnerRole', string>>;
  /** Switch sync on after the solution row, the order a seller uses on the form. */
  sync: boolean;
}

/** The sample co-sell deal every scenario starts from, unless it says otherwise. */
export const NORTHWIND_DEAL: SeedOpportunity = {
  account: 'Northwind Traders',
  line1: '1 Main Street',
  city: 'Seattle',
  state: 'WA',
  postalCode: '98101',
  country: 'US',
  contact: ['Nancy', 'Davolio', 'nancy@northwind.example'],
  phone: '+1 206 555 0100',
  name: 'Northwind analytics platform',
  value: 125000,
  closeDate: '2026-09-30',
  description: 'Modern data platform on Azure',
  coSell: true,
  solutionId: 'SOL-15974-MQF',
  solutionName: 'Contoso Analytics on Azure',
  sync: true,
};

export interface SeededOpportunity {
  accountId: string;
  contactId: string;
  opportunityId: string;
}

export const accountRecord = (seed: SeedOpportunity): DataverseRecord => ({
  [AccountColumns.name]: seed.account,
  [AccountColumns.line1]: seed.line1,
  [AccountColumns.city]: seed.city,
  ...(seed.state === null ? {} : { [AccountColumns.state]: seed.state }),
  [AccountColumns.postalCode]: seed.postalCode,
  [AccountColumns.country]: seed.country,
});

export const contactRecord = (seed: SeedOpportunity): DataverseRecord => ({
  [ContactColumns.firstName]: seed.contact[0],
  [ContactColumns.lastName]: seed.contact[1],
  [ContactColumns.email]: seed.contact[2],
  [ContactColumns.phone]: seed.phone,
});

/** The opportunity as created: sync still off, bound to its account and contact. */
export const opportunityRecord = (
  seed: SeedOpportunity,
  ids: { accountId: string; contactId: string },
): DataverseRecord => ({
  [OpportunityColumns.name]: seed.name,
  [OpportunityColumns.estimatedValue]: seed.value,
  [OpportunityColumns.estimatedCloseDate]: seed.closeDate,
  [OpportunityColumns.description]: seed.description,
  [OpportunityColumns.referralVisibility]: seed.coSell
    ? ReferralVisibility.visible
    : ReferralVisibility.notVisible,
  ...(seed.coSell ? { [OpportunityColumns.helpNeeded]: HelpNeededOptions.ProofOfConceptOrDemo } : {}),
  [OpportunityColumns.syncWithPartnerCenter]: false,
  [`${OpportunityNavigation.parentAccount}@odata.bind`]: `/${EntitySets.account}(${ids.accountId})`,
  [`${OpportunityNavigation.parentContact}@odata.bind`]: `/${EntitySets.contact}(${ids.contactId})`,
  ...Object.fromEntries(
    Object.entries(seed.referralAttributes ?? {}).map(([field, id]) => [
      `${ReferralFieldColumns[field as keyof typeof ReferralFieldColumns]}@odata.bind`,
      `/${EntitySets.pcs_referralattribute}(${id})`,
    ]),
  ),
});

/** Account, contact, opportunity, solution row, then sync on (when asked): what a seller does. */
export async function createSeedOpportunity(
  seller: DataverseApi,
  overrides: Partial<SeedOpportunity> = {},
): Promise<SeededOpportunity> {
  const seed = { ...NORTHWIND_DEAL, ...overrides };
  const accountId = await seller.create(EntitySets.account, accountRecord(seed));
  const contactId = await seller.create(EntitySets.contact, contactRecord(seed));
  const opportunityId = await seller.create(
    EntitySets.opportunity,
    opportunityRecord(seed, { accountId, contactId }),
  );
  if (seed.solutionId) {
    await seller.create(EntitySets.pcs_microsoftsolution, {
      [MicrosoftSolutionColumns.name]: seed.solutionName,
      [MicrosoftSolutionColumns.solutionId]: seed.solutionId,
      [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
      ...(seed.solutionDetailId
        ? {
            [`${Relationships.solutionDetailSolutions.navigation}@odata.bind`]: `/${EntitySets.pcs_solutiondetail}(${seed.solutionDetailId})`,
          }
        : {}),
    });
  }
  if (seed.sync) {
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
  }
  return { accountId, contactId, opportunityId };
}

export interface CatalogueSolution {
  id: string;
  name: string;
  publisher: string;
  /** A Services co-sell solution (else IP). */
  services?: boolean;
}

export const CONTOSO_ANALYTICS: CatalogueSolution = {
  id: 'SOL-15974-MQF',
  name: 'Contoso Analytics on Azure',
  publisher: 'Contoso',
};

/** A row of the admin-maintained solution catalogue (pcs_solutiondetail). */
export function createCatalogueSolution(
  admin: DataverseApi,
  solution: CatalogueSolution = CONTOSO_ANALYTICS,
): Promise<string> {
  return admin.create(EntitySets.pcs_solutiondetail, {
    [SolutionDetailColumns.name]: solution.name,
    [SolutionDetailColumns.solutionId]: solution.id,
    [SolutionDetailColumns.publisherName]: solution.publisher,
    [SolutionDetailColumns.solutionType]: SolutionTypeOptions.Name,
    [SolutionDetailColumns.isActive]: true,
    [SolutionDetailColumns.solutionKind]: solution.services
      ? SolutionKindOptions.services
      : SolutionKindOptions.ip,
  });
}

export interface CatalogueAttribute {
  category: ReferralAttributeCategory;
  code: string;
  name: string;
}

/** A row of the admin-maintained Referral Attributes catalogue (solution areas, plays, partner roles). */
export function createReferralAttribute(admin: DataverseApi, attribute: CatalogueAttribute): Promise<string> {
  return admin.create(EntitySets.pcs_referralattribute, {
    [ReferralAttributeColumns.name]: attribute.name,
    [ReferralAttributeColumns.code]: attribute.code,
    [ReferralAttributeColumns.category]: ReferralAttributeCategoryOptions[attribute.category],
    [ReferralAttributeColumns.isActive]: true,
  });
}
