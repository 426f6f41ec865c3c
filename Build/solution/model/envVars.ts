/** Environment variable definitions. Types: 100000000 String, 100000002 Boolean. */
import {
  AccountColumns,
  CoSellCreationFlows,
  EnvironmentVariables,
  OpportunityColumns,
  Tables,
} from '../../../Domain/constants';
import { label, type Labels } from './labels';

export const EnvVarType = {
  string: 100000000,
  number: 100000001,
  boolean: 100000002,
  json: 100000003,
} as const;

export interface EnvVarDef {
  schemaName: string;
  type: (typeof EnvVarType)[keyof typeof EnvVarType];
  /** Boolean defaults are the strings `yes`/`no` (CoE kit exports). */
  defaultValue?: string;
  /** Values the product accepts (checked by the tests for the default). */
  allowed?: readonly string[];
  isRequired: 0 | 1;
  displayName: Labels;
  description: Labels;
}

export const envVars: EnvVarDef[] = [
  {
    schemaName: EnvironmentVariables.showCheckmarkInName,
    type: EnvVarType.boolean,
    defaultValue: 'yes',
    allowed: ['yes', 'no'],
    isRequired: 0,
    displayName: label(
      'Show checkmark in name',
      'Mostrar marca de seleção no nome',
      'Mostrar marca de verificación en el nombre',
    ),
    description: label(
      'Yes (default): the sync service appends ✔ to the opportunity name after a successful sync with Partner Center and ✖ after a failed one. No: it removes the mark. The mark is never sent to Partner Center.',
      'Sim (padrão): o serviço de sincronização acrescenta ✔ ao final do nome da oportunidade após uma sincronização bem-sucedida com o Partner Center e ✖ após uma que falhou. Não: remove a marca. A marca nunca é enviada ao Partner Center.',
      'Sí (predeterminado): el servicio de sincronización agrega ✔ al final del nombre de la oportunidad tras una sincronización correcta con Partner Center y ✖ tras una fallida. No: quita la marca. La marca nunca se envía a Partner Center.',
    ),
  },
  {
    schemaName: EnvironmentVariables.dealValueFieldName,
    type: EnvVarType.string,
    defaultValue: OpportunityColumns.estimatedValue,
    isRequired: 0,
    displayName: label(
      'Deal value column',
      'Coluna do valor do negócio',
      'Columna del valor de la operación',
    ),
    description: label(
      `Logical name of the opportunity column that holds the deal value exchanged with Partner Center (default ${OpportunityColumns.estimatedValue}): it replaces the column of details.dealValue in the field map.`,
      `Nome lógico da coluna da oportunidade que contém o valor do negócio trocado com o Partner Center (padrão ${OpportunityColumns.estimatedValue}): substitui a coluna de details.dealValue no mapa de campos.`,
      `Nombre lógico de la columna de la oportunidad con el valor de la operación que se intercambia con Partner Center (predeterminado ${OpportunityColumns.estimatedValue}): reemplaza la columna de details.dealValue en la asignación de campos.`,
    ),
  },
  {
    schemaName: EnvironmentVariables.countryCodeFieldName,
    type: EnvVarType.string,
    defaultValue: AccountColumns.country,
    isRequired: 0,
    displayName: label('Country column', 'Coluna do país', 'Columna del país'),
    description: label(
      `Logical name of the ${Tables.account} column that holds the customer's country as a two-letter ISO code such as US, BR or ES (default ${AccountColumns.country}): it replaces the column of customerProfile.address.country in the field map, and a change to it re-syncs the account's opportunities in error.`,
      `Nome lógico da coluna da conta (${Tables.account}) que contém o país do cliente como código ISO de duas letras, como US, BR ou ES (padrão ${AccountColumns.country}): substitui a coluna de customerProfile.address.country no mapa de campos, e uma alteração nela sincroniza de novo as oportunidades com erro da conta.`,
      `Nombre lógico de la columna de la cuenta (${Tables.account}) con el país del cliente como código ISO de dos letras, como US, BR o ES (predeterminado ${AccountColumns.country}): reemplaza la columna de customerProfile.address.country en la asignación de campos, y un cambio en ella vuelve a sincronizar las oportunidades con error de la cuenta.`,
    ),
  },
  {
    schemaName: EnvironmentVariables.relayBaseUrl,
    type: EnvVarType.string,
    isRequired: 1,
    displayName: label('Relay base URL', 'URL base do relay', 'URL base del relé'),
    description: label(
      'Address of the co-sell relay service that the Partner Center sync control calls (set by cosell setup).',
      'Endereço do serviço de relay de co-venda que o controle de sincronização do Partner Center chama (definido pelo cosell setup).',
      'Dirección del servicio de relé de venta conjunta al que llama el control de sincronización de Partner Center (la define cosell setup).',
    ),
  },
  {
    schemaName: EnvironmentVariables.relayClientId,
    type: EnvVarType.string,
    isRequired: 1,
    displayName: label('Relay client ID', 'ID do cliente do relay', 'Id. de cliente del relé'),
    description: label(
      'Microsoft Entra application (client) ID of the relay API that the Partner Center sync control signs in to (set by cosell setup --relay-client-id); sandbox for the local sandbox only.',
      'ID do aplicativo (cliente) do Microsoft Entra da API do relay na qual o controle de sincronização do Partner Center entra (definido pelo cosell setup --relay-client-id); sandbox somente para o sandbox local.',
      'Id. de aplicación (cliente) de Microsoft Entra de la API del relé en la que inicia sesión el control de sincronización de Partner Center (la define cosell setup --relay-client-id); sandbox solo para el sandbox local.',
    ),
  },
  {
    // Superseded by pcs_MicrosoftReferralTarget; a value an admin set is still honoured (mapped to it).
    // No default: a default would always win over the new variable's own default (docs/inbound-referrals.md).
    schemaName: EnvironmentVariables.inboundReferralPolicy,
    type: EnvVarType.string,
    allowed: [Tables.lead, Tables.opportunity],
    isRequired: 0,
    displayName: label(
      'Inbound referral policy (replaced)',
      'Política de indicações recebidas (substituída)',
      'Directiva de referencias entrantes (reemplazada)',
    ),
    description: label(
      'Replaced by Microsoft referrals become (pcs_MicrosoftReferralTarget). If set and the new variable is empty, lead or opportunity applies to referrals Microsoft sends; referrals you create in Partner Center always become opportunities.',
      'Substituída por As indicações da Microsoft tornam-se (pcs_MicrosoftReferralTarget). Se definida e a nova variável estiver vazia, lead ou opportunity vale para as indicações que a Microsoft envia; as indicações que você cria no Partner Center sempre se tornam oportunidades.',
      'Reemplazada por Las referencias de Microsoft se convierten en (pcs_MicrosoftReferralTarget). Si tiene valor y la nueva variable está vacía, lead u opportunity se aplica a las referencias que envía Microsoft; las referencias que usted crea en Partner Center siempre se convierten en oportunidades.',
    ),
  },
  {
    schemaName: EnvironmentVariables.closeOpportunityFromPartnerCenter,
    type: EnvVarType.boolean,
    defaultValue: 'yes',
    allowed: ['yes', 'no'],
    isRequired: 0,
    displayName: label(
      'Close opportunity from Partner Center',
      'Fechar oportunidade a partir do Partner Center',
      'Cerrar oportunidad desde Partner Center',
    ),
    description: label(
      'Yes (default): a referral won, lost, declined or expired in Partner Center closes its opportunity as won or lost (or disqualifies its lead). No: the record stays open and only its referral status columns change.',
      'Sim (padrão): uma indicação ganha, perdida, recusada ou expirada no Partner Center fecha a oportunidade como ganha ou perdida (ou desqualifica o cliente potencial). Não: o registro continua aberto e só as colunas de status da indicação mudam.',
      'Sí (predeterminado): una referencia ganada, perdida, rechazada o expirada en Partner Center cierra la oportunidad como ganada o perdida (o descalifica el cliente potencial). No: el registro sigue abierto y solo cambian las columnas de estado de la referencia.',
    ),
  },
  {
    // No default in the definition: an empty value lets an older pcs_InboundReferralPolicy value apply.
    schemaName: EnvironmentVariables.microsoftReferralTarget,
    type: EnvVarType.string,
    allowed: [Tables.lead, Tables.opportunity],
    isRequired: 0,
    displayName: label(
      'Microsoft referrals become',
      'As indicações da Microsoft tornam-se',
      'Las referencias de Microsoft se convierten en',
    ),
    description: label(
      'lead or opportunity: what a new referral sent by Microsoft becomes in Dynamics 365 (empty = lead). Referrals you create in Partner Center and invitations from other partners always become opportunities; a referral already accepted becomes an opportunity.',
      'lead ou opportunity: o que uma nova indicação enviada pela Microsoft se torna no Dynamics 365 (vazio = lead). As indicações que você cria no Partner Center e os convites de outros parceiros sempre se tornam oportunidades; uma indicação já aceita se torna oportunidade.',
      'lead u opportunity: en qué se convierte en Dynamics 365 una nueva referencia enviada por Microsoft (vacío = lead). Las referencias que usted crea en Partner Center y las invitaciones de otros partners siempre se convierten en oportunidades; una referencia ya aceptada se convierte en oportunidad.',
    ),
  },
  {
    schemaName: EnvironmentVariables.coSellCreationFlow,
    type: EnvVarType.string,
    defaultValue: CoSellCreationFlows.oneStep,
    allowed: Object.values(CoSellCreationFlows),
    isRequired: 0,
    displayName: label(
      'Co-sell creation flow',
      'Fluxo de criação de co-venda',
      'Flujo de creación de venta conjunta',
    ),
    description: label(
      'How a deal shared with Microsoft is created in Partner Center: one-step (one referral; default) or two-step (your referral, then a connected referral for Microsoft, as the 2020 API documentation describes).',
      'Como um negócio compartilhado com a Microsoft é criado no Partner Center: one-step (uma indicação; padrão) ou two-step (a sua indicação e depois uma indicação conectada para a Microsoft, como descreve a documentação da API de 2020).',
      'Cómo se crea en Partner Center una operación compartida con Microsoft: one-step (una referencia; predeterminado) o two-step (su referencia y después una referencia conectada para Microsoft, como describe la documentación de la API de 2020).',
    ),
  },
];
