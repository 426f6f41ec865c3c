/** Seller-side helpers for the end-to-end sync tests: records created as a Dynamics user. */
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
  SolutionDetailColumns,
} from '../../../Domain/constants';
import { SyncEventColumns } from '../../../Domain/constants';
import { lookup, where } from '../../../Domain/odataQuery';
import type { DataverseApi, WebApiRecord } from '../../../Relay/ports';

export interface SellerRecords {
  accountId: string;
  contactId: string;
  opportunityId: string;
}

export async function createCatalogueSolution(
  dataverse: DataverseApi,
  solutionId = 'SOL-15974-MQF',
): Promise<string> {
  return dataverse.create(EntitySets.pcs_solutiondetail, {
    [SolutionDetailColumns.name]: 'Contoso Analytics on Azure',
    [SolutionDetailColumns.solutionId]: solutionId,
    [SolutionDetailColumns.publisherName]: 'Contoso',
  });
}

export async function createCoSellOpportunity(
  seller: DataverseApi,
  options: {
    sync?: boolean;
    country?: string;
    name?: string;
    coSell?: boolean;
    solutionId?: string | null;
  } = {},
): Promise<SellerRecords> {
  const accountId = await seller.create(EntitySets.account, {
    [AccountColumns.name]: 'Northwind Traders',
    [AccountColumns.line1]: '1 Main Street',
    [AccountColumns.city]: 'Seattle',
    [AccountColumns.state]: 'WA',
    [AccountColumns.postalCode]: '98101',
    [AccountColumns.country]: options.country ?? 'US',
  });
  const contactId = await seller.create(EntitySets.contact, {
    [ContactColumns.firstName]: 'Nancy',
    [ContactColumns.lastName]: 'Davolio',
    [ContactColumns.email]: 'nancy@northwind.example',
    [ContactColumns.phone]: '+1 206 555 0100',
  });
  const coSell = options.coSell ?? true;
  // Created with sync off, then solutions, then sync on — the order a seller uses on the form.
  const opportunityId = await seller.create(EntitySets.opportunity, {
    [OpportunityColumns.name]: options.name ?? 'Northwind analytics platform',
    [OpportunityColumns.estimatedValue]: 125000,
    [OpportunityColumns.estimatedCloseDate]: '2026-09-30',
    [OpportunityColumns.description]: 'Modern data platform on Azure',
    [OpportunityColumns.referralVisibility]: coSell
      ? ReferralVisibility.visible
      : ReferralVisibility.notVisible,
    ...(coSell ? { [OpportunityColumns.helpNeeded]: HelpNeededOptions.ProofOfConceptOrDemo } : {}),
    [OpportunityColumns.syncWithPartnerCenter]: false,
    [`${OpportunityNavigation.parentAccount}@odata.bind`]: `/${EntitySets.account}(${accountId})`,
    [`${OpportunityNavigation.parentContact}@odata.bind`]: `/${EntitySets.contact}(${contactId})`,
  });
  if (options.solutionId !== null) {
    await seller.create(EntitySets.pcs_microsoftsolution, {
      [MicrosoftSolutionColumns.name]: 'Contoso Analytics on Azure',
      [MicrosoftSolutionColumns.solutionId]: options.solutionId ?? 'SOL-15974-MQF',
      [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
    });
  }
  if (options.sync ?? true) {
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
  }
  return { accountId, contactId, opportunityId };
}

/** Sync events of one opportunity, newest first. */
export async function syncEventsOf(dataverse: DataverseApi, opportunityId: string): Promise<WebApiRecord[]> {
  return dataverse.retrieveMultiple(EntitySets.pcs_syncevent, {
    filter: where.eq(lookup(SyncEventColumns.opportunity), opportunityId),
    orderBy: [{ column: SyncEventColumns.occurredOn, descending: true }],
  });
}
