/** Our columns on the system tables opportunity and lead. */
import {
  LeadColumns,
  OpportunityColumns,
  ReferralFieldColumns,
  SecuredOpportunityColumns,
  Tables,
  type TableName,
} from '../../../Domain/constants';
import {
  YES_NO,
  helpNeededOptions,
  marketplaceIntentOptions,
  referralStatusOptions,
  referralSubstatusOptions,
  referralVisibilityOptions,
  syncStatusOptions,
} from './choices';
import { label } from './labels';
import type { ColumnDef, ColumnType } from './types';

const text100: ColumnType = { kind: 'text', format: 'text', maxLength: 100 };
/** URL columns: 2000 characters is enough for Partner Center deep links with query strings. */
const url: ColumnType = { kind: 'text', format: 'url', maxLength: 2000 };
const memo: ColumnType = { kind: 'memo', maxLength: 100000 };

/** Column definitions shared by opportunity and lead (same logical name on both). */
function shared(table: TableName): ColumnDef[] {
  return [
    {
      table,
      logicalName: OpportunityColumns.syncWithPartnerCenter,
      type: { kind: 'bit', defaultValue: 0, ...YES_NO },
      displayName: label(
        'Sync with Partner Center',
        'Sincronizar com o Partner Center',
        'Sincronizar con Partner Center',
      ),
      description: label(
        'When Yes, this record is shared with Microsoft as a co-sell referral and kept in sync with Partner Center.',
        'Quando Sim, este registro é compartilhado com a Microsoft como indicação de co-venda e mantido em sincronia com o Partner Center.',
        'Si es Sí, este registro se comparte con Microsoft como referencia de venta conjunta y se mantiene sincronizado con Partner Center.',
      ),
    },
    {
      table,
      logicalName: OpportunityColumns.referralId,
      type: text100,
      searchable: true,
      displayName: label('Referral ID', 'ID da indicação', 'Id. de referencia'),
      description: label(
        'Partner Center referral ID. Written by the sync service only.',
        'ID da indicação no Partner Center. Gravado somente pelo serviço de sincronização.',
        'Id. de la referencia en Partner Center. Solo lo escribe el servicio de sincronización.',
      ),
    },
    {
      table,
      logicalName: OpportunityColumns.referralLink,
      type: url,
      displayName: label('Referral link', 'Link da indicação', 'Vínculo de la referencia'),
      description: label(
        'Link that opens the referral in Partner Center.',
        'Link que abre a indicação no Partner Center.',
        'Vínculo que abre la referencia en Partner Center.',
      ),
    },
    {
      table,
      logicalName: OpportunityColumns.referralStatus,
      type: { kind: 'choice', options: referralStatusOptions },
      displayName: label('Referral status', 'Status da indicação', 'Estado de la referencia'),
      description: label(
        'Status of the referral in Partner Center.',
        'Status da indicação no Partner Center.',
        'Estado de la referencia en Partner Center.',
      ),
    },
    {
      table,
      logicalName: OpportunityColumns.referralSubstatus,
      type: { kind: 'choice', options: referralSubstatusOptions },
      displayName: label('Referral substatus', 'Substatus da indicação', 'Subestado de la referencia'),
      description: label(
        'Substatus of the referral in Partner Center.',
        'Substatus da indicação no Partner Center.',
        'Subestado de la referencia en Partner Center.',
      ),
    },
    {
      table,
      logicalName: OpportunityColumns.referralExpiresOn,
      type: { kind: 'datetime', format: 'datetime' },
      displayName: label('Referral expires on', 'Indicação expira em', 'La referencia vence el'),
      description: label(
        'When Partner Center archives the referral as Expired unless it is accepted or declined: its expiration date, or 14 days after it arrived when Partner Center gives none. Empty once answered. Written by the sync service only.',
        'Quando o Partner Center arquiva a indicação como Expirada se ela não for aceita nem recusada: a data de expiração dela ou, se o Partner Center não informar, 14 dias após a chegada. Vazio depois de respondida. Gravado somente pelo serviço de sincronização.',
        'Cuándo Partner Center archiva la referencia como Expirada si no se acepta ni se rechaza: su fecha de vencimiento o, si Partner Center no la indica, 14 días después de su llegada. Vacío una vez respondida. Solo lo escribe el servicio de sincronización.',
      ),
    },
    {
      table,
      logicalName: OpportunityColumns.referralExpiryEstimated,
      type: { kind: 'bit', defaultValue: 0, ...YES_NO },
      displayName: label(
        'Referral expiry estimated',
        'Expiração da indicação estimada',
        'Vencimiento de la referencia estimado',
      ),
      description: label(
        'Yes when Partner Center gave no expiration date and Referral expires on is 14 days after the referral arrived.',
        'Sim quando o Partner Center não informou a data de expiração e Indicação expira em é 14 dias após a chegada da indicação.',
        'Sí cuando Partner Center no indicó la fecha de vencimiento y La referencia vence el es 14 días después de la llegada de la referencia.',
      ),
    },
    {
      table,
      logicalName: OpportunityColumns.syncStatus,
      type: { kind: 'choice', options: syncStatusOptions, defaultValue: syncStatusOptions[0]!.value },
      displayName: label('Sync status', 'Status da sincronização', 'Estado de sincronización'),
      description: label(
        'Result of the last sync with Partner Center.',
        'Resultado da última sincronização com o Partner Center.',
        'Resultado de la última sincronización con Partner Center.',
      ),
    },
  ];
}

const opportunityOnly: ColumnDef[] = [
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.helpNeeded,
    type: { kind: 'choice', options: helpNeededOptions },
    displayName: label(
      'How can Microsoft help?',
      'Como a Microsoft pode ajudar?',
      '¿Cómo puede ayudar Microsoft?',
    ),
    description: label(
      'Assistance requested from Microsoft. Leave empty when no help is needed.',
      'Assistência solicitada à Microsoft. Deixe vazio quando não precisar de ajuda.',
      'Ayuda solicitada a Microsoft. Déjelo vacío si no necesita ayuda.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.referralVisibility,
    type: {
      kind: 'choice',
      options: referralVisibilityOptions,
      defaultValue: referralVisibilityOptions[0]!.value,
    },
    displayName: label('Referral visibility', 'Visibilidade da indicação', 'Visibilidad de la referencia'),
    description: label(
      'Whether Microsoft sellers can see the referral. Once visible it cannot be made invisible again.',
      'Se os vendedores da Microsoft podem ver a indicação. Depois de visível, não pode voltar a ficar invisível.',
      'Indica si los vendedores de Microsoft pueden ver la referencia. Una vez visible, no puede volver a ocultarse.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.microsoftCrmId,
    type: text100,
    displayName: label('Microsoft CRM ID', 'ID do CRM da Microsoft', 'Id. de CRM de Microsoft'),
    description: label(
      'Identifier of the matching opportunity in Microsoft’s CRM.',
      'Identificador da oportunidade correspondente no CRM da Microsoft.',
      'Identificador de la oportunidad correspondiente en el CRM de Microsoft.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.products,
    type: { kind: 'memo', maxLength: 2000 },
    displayName: label('Products (obsolete)', 'Produtos (obsoleto)', 'Productos (obsoleto)'),
    description: label(
      'Obsolete, kept for compatibility with the Power Automate connector. Use Microsoft Solutions instead.',
      'Obsoleto, mantido para compatibilidade com o conector do Power Automate. Use Soluções Microsoft.',
      'Obsoleto, se conserva por compatibilidad con el conector de Power Automate. Use Soluciones de Microsoft.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.audit,
    type: memo,
    displayName: label('Audit', 'Auditoria', 'Auditoría'),
    description: label(
      'Most recent sync events in readable form.',
      'Eventos de sincronização mais recentes em formato legível.',
      'Eventos de sincronización más recientes en formato legible.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.lastSyncedOn,
    type: { kind: 'datetime', format: 'datetime' },
    displayName: label('Last synced on', 'Última sincronização em', 'Última sincronización el'),
    description: label(
      'When the record was last synced with Partner Center.',
      'Quando o registro foi sincronizado pela última vez com o Partner Center.',
      'Cuándo se sincronizó el registro por última vez con Partner Center.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.engagementId,
    type: text100,
    displayName: label('Engagement ID', 'ID do engajamento', 'Id. de compromiso'),
    description: label(
      'Partner Center engagement ID that groups the referrals of this deal.',
      'ID do engajamento no Partner Center que agrupa as indicações deste negócio.',
      'Id. de compromiso de Partner Center que agrupa las referencias de esta operación.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: ReferralFieldColumns.solutionArea,
    type: { kind: 'lookup', target: Tables.referralAttribute },
    displayName: label('Solution area', 'Área de solução', 'Área de solución'),
    description: label(
      'Solution area of the customer need (FY26 taxonomy). Required by Partner Center for Services co-sell referrals.',
      'Área de solução da necessidade do cliente (taxonomia do ano fiscal de 2026). Exigida pelo Partner Center em indicações de co-venda de serviços.',
      'Área de solución de la necesidad del cliente (taxonomía del año fiscal 2026). Partner Center la exige en las referencias de venta conjunta de servicios.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: ReferralFieldColumns.solutionPlay,
    type: { kind: 'lookup', target: Tables.referralAttribute },
    displayName: label('Solution play', 'Cenário de solução', 'Escenario de solución'),
    description: label(
      'Solution play of the customer need (FY26 taxonomy). Required by Partner Center for Services co-sell referrals.',
      'Cenário de solução (solution play) da necessidade do cliente (taxonomia do ano fiscal de 2026). Exigido pelo Partner Center em indicações de co-venda de serviços.',
      'Escenario de solución (solution play) de la necesidad del cliente (taxonomía del año fiscal 2026). Partner Center lo exige en las referencias de venta conjunta de servicios.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: ReferralFieldColumns.partnerRole,
    type: { kind: 'lookup', target: Tables.referralAttribute },
    displayName: label('Partner role', 'Função do parceiro', 'Rol del partner'),
    description: label(
      'Your role in the deal. Required by Partner Center for Services co-sell referrals.',
      'A sua função no negócio. Exigida pelo Partner Center em indicações de co-venda de serviços.',
      'Su rol en la operación. Partner Center lo exige en las referencias de venta conjunta de servicios.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: ReferralFieldColumns.marketplaceIntent,
    type: { kind: 'choice', options: marketplaceIntentOptions },
    displayName: label(
      'Customer marketplace intent',
      'Intenção de compra no marketplace',
      'Intención de compra en Marketplace',
    ),
    description: label(
      'Whether the customer intends to buy through the Microsoft commercial marketplace. Sent as Have not decided when empty.',
      'Se o cliente pretende comprar pelo marketplace comercial da Microsoft. Enviada como Não decidiu quando vazia.',
      'Indica si el cliente tiene intención de comprar a través de Microsoft Marketplace. Se envía como No lo ha decidido cuando está vacía.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.microsoftSellerName,
    type: { kind: 'text', format: 'text', maxLength: 200 },
    searchable: true,
    displayName: label('Microsoft seller', 'Vendedor da Microsoft', 'Vendedor de Microsoft'),
    description: label(
      'The Microsoft seller engaged on this co-sell deal, from Partner Center.',
      'O vendedor da Microsoft engajado neste negócio de co-venda, do Partner Center.',
      'El vendedor de Microsoft que participa en esta operación de venta conjunta, desde Partner Center.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.microsoftSellerEmail,
    type: text100,
    displayName: label(
      'Microsoft seller email',
      'Email do vendedor da Microsoft',
      'Correo del vendedor de Microsoft',
    ),
    description: label(
      'Email address of the Microsoft seller, from Partner Center.',
      'Endereço de email do vendedor da Microsoft, do Partner Center.',
      'Dirección de correo del vendedor de Microsoft, desde Partner Center.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.microsoftEngagedOn,
    type: { kind: 'datetime', format: 'datetime' },
    displayName: label('Microsoft engaged on', 'Microsoft engajou em', 'Microsoft se unió el'),
    description: label(
      'When Microsoft joined the deal or sent the referral.',
      'Quando a Microsoft entrou no negócio ou enviou a indicação.',
      'Cuándo Microsoft se unió a la operación o envió la referencia.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.microsoftUpdatedOn,
    type: { kind: 'datetime', format: 'datetime' },
    displayName: label('Microsoft updated on', 'Microsoft atualizou em', 'Microsoft actualizó el'),
    description: label(
      'When Microsoft last changed its side of the deal.',
      'Quando a Microsoft alterou pela última vez o lado dela do negócio.',
      'Cuándo cambió Microsoft por última vez su parte de la operación.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.microsoftNotes,
    type: { kind: 'memo', maxLength: 4000 },
    displayName: label('Microsoft notes', 'Notas da Microsoft', 'Notas de Microsoft'),
    description: label(
      'The Microsoft seller’s notes on the deal, from Partner Center.',
      'As notas do vendedor da Microsoft sobre o negócio, do Partner Center.',
      'Las notas del vendedor de Microsoft sobre la operación, desde Partner Center.',
    ),
  },
  {
    table: Tables.opportunity,
    logicalName: OpportunityColumns.microsoftStatus,
    type: { kind: 'choice', options: referralSubstatusOptions },
    displayName: label('Microsoft status', 'Status da Microsoft', 'Estado de Microsoft'),
    description: label(
      'Status of Microsoft’s side of the co-sell deal in Partner Center (accepted, won, lost, declined).',
      'Status do lado da Microsoft no negócio de co-venda no Partner Center (aceita, ganha, perdida, recusada).',
      'Estado de la parte de Microsoft en la operación de venta conjunta en Partner Center (aceptada, ganada, perdida, rechazada).',
    ),
  },
];

const secured = new Set<string>(SecuredOpportunityColumns);

export const opportunityColumns: ColumnDef[] = [...shared(Tables.opportunity), ...opportunityOnly]
  .map((c) => ({ ...c, secured: secured.has(c.logicalName) }))
  .sort((a, b) => a.logicalName.localeCompare(b.logicalName));

const leadNames = new Set<string>([
  LeadColumns.syncWithPartnerCenter,
  LeadColumns.referralId,
  LeadColumns.referralLink,
  LeadColumns.referralStatus,
  LeadColumns.referralSubstatus,
  LeadColumns.syncStatus,
  LeadColumns.referralExpiresOn,
  LeadColumns.referralExpiryEstimated,
]);

export const leadColumns: ColumnDef[] = shared(Tables.lead)
  .filter((c) => leadNames.has(c.logicalName))
  .sort((a, b) => a.logicalName.localeCompare(b.logicalName));
