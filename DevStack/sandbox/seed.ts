/**
 * Sample data for the sandbox: a solution catalogue, accounts and contacts, opportunities (one
 * co-sell shared with Microsoft, one private, one still missing what co-sell needs) created by a
 * seller through the Web API — so they travel the real webhook path — and incoming Microsoft
 * referrals created on the Partner Center simulator.
 */
import { EntitySets, SolutionDetailColumns } from '../../Domain/constants';
import type { DataverseApi } from '../../Relay/ports';
import type { PartnerCenterSimulator } from '../simulators/partnercenter';
import { createCatalogueSolution, createReferralAttribute, createSeedOpportunity } from './seedRecords';
import type { CatalogueAttribute, SeedOpportunity } from './seedRecords';

export const CATALOGUE = [
  { id: 'SOL-15974-MQF', name: 'Contoso Analytics on Azure', publisher: 'Contoso' },
  { id: 'SOL-20411-AZR', name: 'Contoso Secure Landing Zone', publisher: 'Contoso' },
  { id: 'SOL-Microsoft365', name: 'Microsoft365', publisher: 'Microsoft' },
  { id: 'SOL-31207-MSS', name: 'Contoso Managed Security Services', publisher: 'Contoso', services: true },
] as const;

/**
 * Sample Referral Attributes: Microsoft's public FY26 solution area names, with ids we made up —
 * Microsoft publishes no ids for areas, plays or partner roles (docs/partner-center-fields.md). An
 * admin replaces them with the values Partner Center shows.
 */
export const REFERRAL_ATTRIBUTES: readonly CatalogueAttribute[] = [
  { category: 'solutionArea', code: 'AIBusinessSolutions', name: 'AI Business Solutions' },
  { category: 'solutionArea', code: 'CloudAndAIPlatforms', name: 'Cloud & AI Platforms' },
  { category: 'solutionArea', code: 'Security', name: 'Security' },
  { category: 'solutionPlay', code: 'ModernSecOps', name: 'Modern SecOps with unified platform' },
  { category: 'solutionPlay', code: 'MigrateAndModernize', name: 'Migrate and modernize your estate' },
  { category: 'partnerRole', code: 'ServicesPartner', name: 'Services partner' },
  { category: 'partnerRole', code: 'SolutionProvider', name: 'Solution provider' },
];

export interface SeedResult {
  seeded: boolean;
  opportunities: string[];
  referrals: string[];
}

/** A sandbox deal: the solution row carries the catalogue id as its name, no state on the address. */
const sandboxDeal = (seed: Omit<Partial<SeedOpportunity>, 'solutionName'> & { name: string }) => ({
  ...seed,
  state: null,
  description: `${seed.name}: sample opportunity`,
  solutionName: seed.solutionId ?? '',
});

export async function seedSandbox(
  admin: DataverseApi,
  seller: DataverseApi,
  partnerCenter: PartnerCenterSimulator,
): Promise<SeedResult> {
  const existing = await admin.retrieveMultiple(EntitySets.pcs_solutiondetail, {
    select: [SolutionDetailColumns.id],
    top: 1,
  });
  if (existing.length) return { seeded: false, opportunities: [], referrals: [] };
  const solutionDetails = new Map<string, string>();
  for (const solution of CATALOGUE)
    solutionDetails.set(solution.id, await createCatalogueSolution(admin, solution));
  const attributes = new Map<string, string>();
  for (const attribute of REFERRAL_ATTRIBUTES)
    attributes.set(attribute.code, await createReferralAttribute(admin, attribute));
  const deals = [
    sandboxDeal({
      account: 'Northwind Traders',
      postalCode: '98101',
      country: 'US',
      contact: ['Nancy', 'Davolio', 'nancy@northwind.example'],
      name: 'Northwind analytics platform',
      value: 125000,
      coSell: true,
      solutionId: CATALOGUE[0].id,
      sync: true,
    }),
    sandboxDeal({
      account: 'Adventure Works',
      postalCode: '10001',
      country: 'US',
      contact: ['Alan', 'Brewer', 'alan@adventure-works.example'],
      name: 'Adventure Works landing zone (private)',
      value: 48000,
      coSell: false,
      solutionId: CATALOGUE[1].id,
      sync: false,
    }),
    // "United States" is not an ISO-2 code: switching sync on shows ✖ and the message until fixed.
    sandboxDeal({
      account: 'Tailspin Toys',
      postalCode: '60601',
      country: 'United States',
      contact: ['Tess', 'Ortiz', 'tess@tailspin.example'],
      name: 'Tailspin Toys data estate',
      value: 76000,
      coSell: true,
      solutionId: CATALOGUE[0].id,
      sync: false,
    }),
    // A Services co-sell: the solution is a Services solution, so area, play and role travel with it.
    sandboxDeal({
      account: 'Fabrikam Bank',
      postalCode: '02110',
      country: 'US',
      contact: ['Fiona', 'Bell', 'fiona@fabrikam-bank.example'],
      name: 'Fabrikam Bank managed SOC',
      value: 180000,
      coSell: true,
      solutionId: CATALOGUE[3].id,
      solutionDetailId: solutionDetails.get(CATALOGUE[3].id),
      referralAttributes: {
        solutionArea: attributes.get('Security')!,
        solutionPlay: attributes.get('ModernSecOps')!,
        partnerRole: attributes.get('ServicesPartner')!,
      },
      sync: true,
    }),
  ];
  const opportunities: string[] = [];
  for (const deal of deals) {
    // Each solution row points at its catalogue row, as picking it in the form's subgrid does.
    const solutionDetailId = deal.solutionId ? solutionDetails.get(deal.solutionId) : null;
    opportunities.push((await createSeedOpportunity(seller, { solutionDetailId, ...deal })).opportunityId);
  }
  const referrals = [
    partnerCenter.referrals.createIncoming({}).id,
    partnerCenter.referrals.createIncoming({
      name: 'Litware — secure cloud migration',
      customerProfile: {
        name: 'Litware Inc',
        address: {
          addressLine1: '500 Pine Street',
          city: 'Austin',
          state: 'TX',
          postalCode: '73301',
          country: 'US',
        },
        team: [
          { firstName: 'Lee', lastName: 'Gu', email: 'lee.gu@litware.example', phoneNumber: '5125550100' },
        ],
      },
      details: {
        dealValue: 240000,
        requirements: { solutions: [{ id: CATALOGUE[1].id, name: CATALOGUE[1].name, type: 'Name' }] },
      },
    }).id,
  ];
  return { seeded: true, opportunities, referrals };
}
