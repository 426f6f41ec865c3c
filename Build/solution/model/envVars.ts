/** Environment variable definitions. Types: 100000000 String, 100000002 Boolean. */
import { EnvironmentVariables, OpportunityColumns, AccountColumns, Tables } from '../../../Domain/constants';
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
      'Prefix the opportunity name with ✔ when it is synced with Partner Center.',
      'Prefixar o nome da oportunidade com ✔ quando estiver sincronizada com o Partner Center.',
      'Anteponer ✔ al nombre de la oportunidad cuando esté sincronizada con Partner Center.',
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
      'Opportunity column that holds the deal value sent to Partner Center.',
      'Coluna da oportunidade que contém o valor do negócio enviado ao Partner Center.',
      'Columna de la oportunidad con el valor de la operación que se envía a Partner Center.',
    ),
  },
  {
    schemaName: EnvironmentVariables.countryCodeFieldName,
    type: EnvVarType.string,
    defaultValue: AccountColumns.country,
    isRequired: 0,
    displayName: label('Country column', 'Coluna do país', 'Columna del país'),
    description: label(
      `Account column that holds the customer's country (${Tables.account}).`,
      `Coluna da conta que contém o país do cliente (${Tables.account}).`,
      `Columna de la cuenta con el país del cliente (${Tables.account}).`,
    ),
  },
  {
    schemaName: EnvironmentVariables.relayBaseUrl,
    type: EnvVarType.string,
    isRequired: 1,
    displayName: label('Relay base URL', 'URL base do relay', 'URL base del relé'),
    description: label(
      'HTTPS address of the co-sell relay service (set by cosell setup).',
      'Endereço HTTPS do serviço de relay de co-venda (definido pelo cosell setup).',
      'Dirección HTTPS del servicio de relé de venta conjunta (la define cosell setup).',
    ),
  },
  {
    schemaName: EnvironmentVariables.relayClientId,
    type: EnvVarType.string,
    isRequired: 1,
    displayName: label('Relay client ID', 'ID do cliente do relay', 'Id. de cliente del relé'),
    description: label(
      'Microsoft Entra application (client) ID the form uses to call the relay.',
      'ID do aplicativo (cliente) do Microsoft Entra que o formulário usa para chamar o relay.',
      'Id. de aplicación (cliente) de Microsoft Entra que usa el formulario para llamar al relé.',
    ),
  },
  {
    schemaName: EnvironmentVariables.inboundReferralPolicy,
    type: EnvVarType.string,
    defaultValue: Tables.opportunity,
    allowed: [Tables.lead, Tables.opportunity],
    isRequired: 0,
    displayName: label(
      'Inbound referral policy',
      'Política de indicações recebidas',
      'Directiva de referencias entrantes',
    ),
    description: label(
      'Create a lead or an opportunity for referrals Microsoft sends to you (lead or opportunity).',
      'Criar um cliente potencial ou uma oportunidade para as indicações que a Microsoft envia (lead ou opportunity).',
      'Crear un cliente potencial o una oportunidad para las referencias que envía Microsoft (lead u opportunity).',
    ),
  },
];
