/** Views: the co-sell views (synced opportunities, sync errors, failed sync events, referrals expiring this week), plus the standard set of each new table. */
import {
  LeadColumns,
  OpportunityColumns,
  ReferralAttributeCategoryOptions,
  ReferralAttributeColumns,
  ReferralStatusOptions,
  SolutionDetailColumns,
  SyncEventColumns,
  SyncOutcome,
  SyncStatus,
  SystemColumns,
  Tables,
  Views,
} from '../../../Domain/constants';
import type { Condition, ViewDef } from '../render/views';
import { label } from './labels';
import { newTables } from './tables';
import type { NewTableDef } from './types';

const ACTIVE = { attribute: SystemColumns.stateCode, operator: 'eq', value: 0 } as const;
const OFFERED_SOLUTION = { attribute: SolutionDetailColumns.isActive, operator: 'eq', value: 1 } as const;

const opportunityGrid: [string, number][] = [
  [OpportunityColumns.name, 300],
  [OpportunityColumns.parentAccount, 150],
  [OpportunityColumns.estimatedValue, 125],
  [OpportunityColumns.syncStatus, 125],
  [OpportunityColumns.lastSyncedOn, 140],
  [OpportunityColumns.referralId, 150],
];

const coSellViews: ViewDef[] = [
  {
    id: Views.opportunitySynced,
    table: Tables.opportunity,
    primaryKey: OpportunityColumns.id,
    queryType: 0,
    isDefault: false,
    name: label(
      'Opportunities synced with Partner Center',
      'Oportunidades sincronizadas com o Partner Center',
      'Oportunidades sincronizadas con Partner Center',
    ),
    description: label(
      'Open opportunities shared with Microsoft through Partner Center.',
      'Oportunidades abertas compartilhadas com a Microsoft pelo Partner Center.',
      'Oportunidades abiertas compartidas con Microsoft a través de Partner Center.',
    ),
    columns: opportunityGrid,
    order: { attribute: OpportunityColumns.lastSyncedOn, descending: true },
    conditions: [ACTIVE, { attribute: OpportunityColumns.syncWithPartnerCenter, operator: 'eq', value: 1 }],
  },
  {
    id: Views.opportunitySyncErrors,
    table: Tables.opportunity,
    primaryKey: OpportunityColumns.id,
    queryType: 0,
    isDefault: false,
    name: label(
      'Partner Center sync errors',
      'Erros de sincronização do Partner Center',
      'Errores de sincronización de Partner Center',
    ),
    description: label(
      'Opportunities whose last sync with Partner Center failed.',
      'Oportunidades cuja última sincronização com o Partner Center falhou.',
      'Oportunidades cuya última sincronización con Partner Center falló.',
    ),
    columns: opportunityGrid,
    order: { attribute: OpportunityColumns.lastSyncedOn, descending: true },
    conditions: [{ attribute: OpportunityColumns.syncStatus, operator: 'eq', value: SyncStatus.error }],
  },
  {
    id: Views.syncEventFailed,
    table: Tables.syncEvent,
    primaryKey: SyncEventColumns.id,
    queryType: 0,
    isDefault: false,
    name: label(
      'Failed sync events',
      'Eventos de sincronização com falha',
      'Eventos de sincronización con error',
    ),
    description: label(
      'Sync attempts that failed, newest first.',
      'Tentativas de sincronização que falharam, as mais recentes primeiro.',
      'Intentos de sincronización fallidos, los más recientes primero.',
    ),
    columns: [
      [SyncEventColumns.name, 200],
      [SyncEventColumns.occurredOn, 140],
      [SyncEventColumns.direction, 120],
      [SyncEventColumns.opportunity, 200],
      [SyncEventColumns.message, 300],
    ],
    order: { attribute: SyncEventColumns.occurredOn, descending: true },
    conditions: [{ attribute: SyncEventColumns.outcome, operator: 'eq', value: SyncOutcome.failed }],
  },
];

/**
 * Unanswered referrals whose response window closes within seven days (Partner Center archives them as
 * Expired then), soonest first. `next-seven-days` rather than `this-week`: a referral expiring next
 * Monday matters on Friday.
 */
const expiringName = label(
  'Referrals expiring this week',
  'Indicações que expiram nesta semana',
  'Referencias que vencen esta semana',
);
const expiringDescription = label(
  'Referrals from Partner Center not yet accepted or declined that expire within the next 7 days, soonest first.',
  'Indicações do Partner Center ainda não aceitas nem recusadas que expiram nos próximos 7 dias, as mais próximas primeiro.',
  'Referencias de Partner Center aún no aceptadas ni rechazadas que vencen en los próximos 7 días, las más próximas primero.',
);
const expiring = (column: string): Condition[] => [
  ACTIVE,
  { attribute: column, operator: 'eq', value: ReferralStatusOptions.New },
];

const expiringViews: ViewDef[] = [
  {
    id: Views.opportunityReferralsExpiring,
    table: Tables.opportunity,
    primaryKey: OpportunityColumns.id,
    queryType: 0,
    isDefault: false,
    name: expiringName,
    description: expiringDescription,
    columns: [
      [OpportunityColumns.name, 300],
      [OpportunityColumns.parentAccount, 150],
      [OpportunityColumns.estimatedValue, 125],
      [OpportunityColumns.referralExpiresOn, 140],
      [OpportunityColumns.microsoftSellerName, 150],
      [OpportunityColumns.referralId, 150],
    ],
    order: { attribute: OpportunityColumns.referralExpiresOn, descending: false },
    conditions: [
      ...expiring(OpportunityColumns.referralStatus),
      { attribute: OpportunityColumns.referralExpiresOn, operator: 'next-seven-days' },
    ],
  },
  {
    id: Views.leadReferralsExpiring,
    table: Tables.lead,
    primaryKey: LeadColumns.id,
    queryType: 0,
    isDefault: false,
    name: expiringName,
    description: expiringDescription,
    columns: [
      [LeadColumns.subject, 300],
      [LeadColumns.companyName, 150],
      [LeadColumns.referralExpiresOn, 140],
      [LeadColumns.referralId, 150],
    ],
    order: { attribute: LeadColumns.referralExpiresOn, descending: false },
    conditions: [
      ...expiring(LeadColumns.referralStatus),
      { attribute: LeadColumns.referralExpiresOn, operator: 'next-seven-days' },
    ],
  },
];

/** Public, advanced find, associated, quick find and lookup views, named like the sample export's. */
function standardViews(t: NewTableDef): ViewDef[] {
  const ids = Views[t.logicalName as keyof typeof Views] as {
    public: string;
    advancedFind: string;
    associated: string;
    quickFind: string;
    lookup: string;
  };
  const primaryName = t.columns.find((c) => c.primaryName)!.logicalName;
  const grid: [string, number][] = [
    [primaryName, 300],
    ...t.viewColumns.map((c): [string, number] => [c, 150]),
    [SystemColumns.createdOn, 125],
  ];
  const base = { table: t.logicalName, primaryKey: `${t.logicalName}id`, isDefault: true, columns: grid };
  const byName = { attribute: primaryName, descending: false };
  const [en, pt, es] = [t.pluralName[1033], t.pluralName[1046], t.pluralName[3082]];
  const [en1, pt1, es1] = [t.displayName[1033], t.displayName[1046], t.displayName[3082]];
  const searchable = t.columns.filter((c) => c.searchable).map((c) => c.logicalName);
  return [
    {
      ...base,
      id: ids.public,
      queryType: 0,
      name: label(`Active ${en}`, `${pt} Ativos`, `${es} activos`),
      order: byName,
      conditions: [ACTIVE],
    },
    {
      ...base,
      id: ids.advancedFind,
      queryType: 1,
      name: label(
        `${en1} Advanced Find View`,
        `Exibição Localização Avançada de ${pt1}`,
        `Vista de búsqueda avanzada de ${es1}`,
      ),
      order: byName,
      conditions: [],
    },
    {
      ...base,
      id: ids.associated,
      queryType: 2,
      name: label(`${en1} Associated View`, `Exibição Associada de ${pt1}`, `Vista asociada de ${es1}`),
      order: byName,
      conditions: [ACTIVE],
    },
    {
      ...base,
      id: ids.quickFind,
      queryType: 4,
      name: label(
        `Quick Find Active ${en}`,
        `Localização Rápida de ${pt} Ativos`,
        `Búsqueda rápida de ${es} activos`,
      ),
      order: byName,
      conditions: [ACTIVE],
      quickFindColumns: searchable,
    },
    {
      ...base,
      id: ids.lookup,
      queryType: 64,
      name: label(`${en1} Lookup View`, `Exibição de Pesquisa de ${pt1}`, `Vista de búsqueda de ${es1}`),
      // The catalogue lookup offers only the solutions the admin marked active.
      conditions: t.logicalName === Tables.solutionDetail ? [ACTIVE, OFFERED_SOLUTION] : [ACTIVE],
    },
  ];
}

/** The active catalogue values of one category: what the opportunity's area / play / role lookups offer. */
const categoryView = (
  id: string,
  category: number,
  name: ReturnType<typeof label>,
  description: ReturnType<typeof label>,
): ViewDef => ({
  id,
  table: Tables.referralAttribute,
  primaryKey: ReferralAttributeColumns.id,
  queryType: 0,
  isDefault: false,
  name,
  description,
  columns: [
    [ReferralAttributeColumns.name, 300],
    [ReferralAttributeColumns.code, 200],
  ],
  order: { attribute: ReferralAttributeColumns.name, descending: false },
  conditions: [
    ACTIVE,
    { attribute: ReferralAttributeColumns.isActive, operator: 'eq', value: 1 },
    { attribute: ReferralAttributeColumns.category, operator: 'eq', value: category },
  ],
});

const referralAttributeViews: ViewDef[] = [
  categoryView(
    Views.solutionAreas,
    ReferralAttributeCategoryOptions.solutionArea,
    label('Solution areas', 'Áreas de solução', 'Áreas de solución'),
    label(
      'Active solution areas sellers can choose.',
      'Áreas de solução ativas que os vendedores podem escolher.',
      'Áreas de solución activas que los vendedores pueden elegir.',
    ),
  ),
  categoryView(
    Views.solutionPlays,
    ReferralAttributeCategoryOptions.solutionPlay,
    label('Solution plays', 'Cenários de solução', 'Escenarios de solución'),
    label(
      'Active solution plays sellers can choose.',
      'Cenários de solução ativos que os vendedores podem escolher.',
      'Escenarios de solución activos que los vendedores pueden elegir.',
    ),
  ),
  categoryView(
    Views.partnerRoles,
    ReferralAttributeCategoryOptions.partnerRole,
    label('Partner roles', 'Funções do parceiro', 'Roles del partner'),
    label(
      'Active partner roles sellers can choose.',
      'Funções do parceiro ativas que os vendedores podem escolher.',
      'Roles del partner activos que los vendedores pueden elegir.',
    ),
  ),
];

export const allViews = (): ViewDef[] => [
  ...coSellViews,
  ...newTables.flatMap(standardViews),
  ...referralAttributeViews,
  ...expiringViews,
];
