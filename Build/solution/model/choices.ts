/** Option labels of our choice columns; values come from Domain/constants (publisher prefix 72710). */
import {
  HelpNeededOptions,
  MarketplaceIntentOptions,
  ReferralAttributeCategoryOptions,
  SolutionKindOptions,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  ReferralVisibility,
  SolutionDetailSourceOptions,
  SolutionTypeOptions,
  SyncDirection,
  SyncOutcome,
  SyncStatus,
} from '../../../Domain/constants';
import { label, type Labels } from './labels';
import type { ChoiceOption } from './types';

const yesNo = { yes: label('Yes', 'Sim', 'Sí'), no: label('No', 'Não', 'No') };
export const YES_NO = yesNo;

const options = (pairs: [number, Labels][]): ChoiceOption[] =>
  pairs.map(([value, l]) => ({ value, label: l }));

export const syncStatusOptions = options([
  [SyncStatus.notSynced, label('Not synced', 'Não sincronizado', 'No sincronizado')],
  [SyncStatus.pending, label('Pending', 'Pendente', 'Pendiente')],
  [SyncStatus.synced, label('Synced', 'Sincronizado', 'Sincronizado')],
  [SyncStatus.error, label('Error', 'Erro', 'Error')],
]);

export const referralVisibilityOptions = options([
  [ReferralVisibility.notVisible, label('Not visible', 'Não visível', 'No visible')],
  [
    ReferralVisibility.visible,
    label(
      'Visible to Microsoft sellers',
      'Visível para vendedores da Microsoft',
      'Visible para vendedores de Microsoft',
    ),
  ],
]);

export const helpNeededOptions = options([
  [
    HelpNeededOptions.WorkloadSpecificValueProposition,
    label(
      'Workload-specific value proposition',
      'Proposta de valor específica da carga de trabalho',
      'Propuesta de valor específica de la carga de trabajo',
    ),
  ],
  [
    HelpNeededOptions.CustomerTechnicalArchitecture,
    label(
      'Customer technical architecture',
      'Arquitetura técnica do cliente',
      'Arquitectura técnica del cliente',
    ),
  ],
  [
    HelpNeededOptions.ProofOfConceptOrDemo,
    label(
      'Proof of concept or demo',
      'Prova de conceito ou demonstração',
      'Prueba de concepto o demostración',
    ),
  ],
  [
    HelpNeededOptions.QuotesOrLicensing,
    label('Quotes or licensing', 'Cotações ou licenciamento', 'Presupuestos o licencias'),
  ],
  [
    HelpNeededOptions.PostSalesCustomerSuccess,
    label('Post-sales customer success', 'Sucesso do cliente pós-venda', 'Éxito del cliente posventa'),
  ],
  [HelpNeededOptions.GeneralOrOther, label('General or other', 'Geral ou outro', 'General u otro')],
]);

export const referralStatusOptions = options([
  [ReferralStatusOptions.New, label('New', 'Novo', 'Nuevo')],
  [ReferralStatusOptions.Active, label('Active', 'Ativo', 'Activo')],
  [ReferralStatusOptions.Closed, label('Closed', 'Fechado', 'Cerrado')],
]);

export const referralSubstatusOptions = options([
  [ReferralSubstatusOptions.Pending, label('Pending', 'Pendente', 'Pendiente')],
  [ReferralSubstatusOptions.Received, label('Received', 'Recebido', 'Recibido')],
  [ReferralSubstatusOptions.Accepted, label('Accepted', 'Aceito', 'Aceptado')],
  [ReferralSubstatusOptions.Won, label('Won', 'Ganho', 'Ganado')],
  [ReferralSubstatusOptions.Lost, label('Lost', 'Perdido', 'Perdido')],
  [ReferralSubstatusOptions.Declined, label('Declined', 'Recusado', 'Rechazado')],
  [ReferralSubstatusOptions.Expired, label('Expired', 'Expirado', 'Expirado')],
]);

export const syncDirectionOptions = options([
  [
    SyncDirection.toPartnerCenter,
    label('To Partner Center', 'Para o Partner Center', 'Hacia Partner Center'),
  ],
  [SyncDirection.toDataverse, label('To Dynamics 365', 'Para o Dynamics 365', 'Hacia Dynamics 365')],
]);

export const syncOutcomeOptions = options([
  [SyncOutcome.succeeded, label('Succeeded', 'Bem-sucedido', 'Correcto')],
  [SyncOutcome.failed, label('Failed', 'Falhou', 'Error')],
  [SyncOutcome.skipped, label('Skipped', 'Ignorado', 'Omitido')],
]);

export const solutionTypeOptions = options([
  [SolutionTypeOptions.None, label('None', 'Nenhum', 'Ninguno')],
  [SolutionTypeOptions.Category, label('Category', 'Categoria', 'Categoría')],
  [SolutionTypeOptions.Name, label('Name', 'Nome', 'Nombre')],
]);

export const solutionDetailSourceOptions = options([
  [SolutionDetailSourceOptions.Catalogue, label('Catalogue', 'Catálogo', 'Catálogo')],
  [
    SolutionDetailSourceOptions.PartnerCenter,
    label('From Partner Center', 'Do Partner Center', 'Desde Partner Center'),
  ],
]);

export const solutionKindOptions = options([
  [
    SolutionKindOptions.ip,
    label('IP co-sell solution', 'Solução de co-venda de IP', 'Solución de venta conjunta de IP'),
  ],
  [
    SolutionKindOptions.services,
    label(
      'Services co-sell solution',
      'Solução de co-venda de serviços',
      'Solución de venta conjunta de servicios',
    ),
  ],
]);

export const referralAttributeCategoryOptions = options([
  [
    ReferralAttributeCategoryOptions.solutionArea,
    label('Solution area', 'Área de solução', 'Área de solución'),
  ],
  [
    ReferralAttributeCategoryOptions.solutionPlay,
    label('Solution play', 'Cenário de solução (solution play)', 'Escenario de solución (solution play)'),
  ],
  [
    ReferralAttributeCategoryOptions.partnerRole,
    label('Partner role', 'Função do parceiro', 'Rol del partner'),
  ],
]);

/** Labels as the bulk upload documents them: "Yes, No or Have not decided". */
export const marketplaceIntentOptions = options([
  [MarketplaceIntentOptions.Yes, label('Yes', 'Sim', 'Sí')],
  [MarketplaceIntentOptions.No, label('No', 'Não', 'No')],
  [MarketplaceIntentOptions.HaveNotDecided, label('Have not decided', 'Não decidiu', 'No lo ha decidido')],
]);
