/**
 * Security roles and field security profiles. Privilege names are `prv<Action><EntitySchemaName>`;
 * our tables' schema names are their (lower-case) logical names. Levels are the XSD's
 * Basic (user) / Local (business unit) / Deep / Global (organization).
 */
import {
  FieldSecurityProfiles,
  SecuredOpportunityColumns,
  SecurityRoles,
  Tables,
  type TableName,
} from '../../../Domain/constants';

export type Level = 'Basic' | 'Local' | 'Deep' | 'Global';
export type Action = 'Create' | 'Read' | 'Write' | 'Delete' | 'Append' | 'AppendTo';

export interface RoleDef {
  id: string;
  name: string;
  privileges: { name: string; level: Level }[];
}

/** Privilege-name stem of a system table (platform names differ from logical names for systemuser). */
const SYSTEM_PRIVILEGE_STEMS: Partial<Record<TableName, string>> = {
  opportunity: 'Opportunity',
  lead: 'Lead',
  account: 'Account',
  contact: 'Contact',
  systemuser: 'User',
  transactioncurrency: 'TransactionCurrency',
};

const stem = (table: TableName): string => SYSTEM_PRIVILEGE_STEMS[table] ?? table;

const grant = (table: TableName, level: Level, actions: Action[]) =>
  actions.map((a) => ({ name: `prv${a}${stem(table)}`, level }));

/** Environment variables are read by the relay, the form script and the PCF control. */
const readEnvironmentVariables = { name: 'prvReadEnvironmentVariableDefinition', level: 'Global' as Level };

/** Privileges on platform tables that have no TableName of ours (names as Dataverse spells them). */
const platform = (stem: string, actions: Action[]) =>
  actions.map((a) => ({ name: `prv${a}${stem}`, level: 'Global' as Level }));

const ALL: Action[] = ['Create', 'Read', 'Write', 'Append', 'AppendTo'];

/** The relay's application user: reads/writes opportunities and leads, owns the sync rows. */
export const integrationRole: RoleDef = {
  ...SecurityRoles.integration,
  privileges: [
    ...grant(Tables.opportunity, 'Global', ALL),
    // Inbound referrals become leads or opportunities (pcs_InboundReferralPolicy) with their customer.
    ...grant(Tables.lead, 'Global', ALL),
    ...grant(Tables.account, 'Global', ALL),
    ...grant(Tables.contact, 'Global', ALL),
    ...grant(Tables.transactioncurrency, 'Global', ['Read']),
    ...grant(Tables.systemuser, 'Global', ['Read']),
    ...grant(Tables.microsoftSolution, 'Global', [...ALL, 'Delete']),
    ...grant(Tables.solutionDetail, 'Global', ALL),
    ...grant(Tables.syncEvent, 'Global', ['Create', 'Read', 'Append']),
    // Incoming referrals may name catalogue values not in the catalogue yet: the relay adds them.
    ...grant(Tables.referralAttribute, 'Global', ALL),
    readEnvironmentVariables,
    // Win/Lose create an opportunityclose activity; activities share the Activity privileges.
    { name: 'prvCreateActivity', level: 'Global' as Level },
    { name: 'prvReadActivity', level: 'Global' as Level },
    { name: 'prvAppendActivity', level: 'Global' as Level },
    // QualifyLead needs privileges on lead, account, contact, opportunity, currency and campaign
    // (QualifyLeadRequest, "Privileges and Access Rights").
    { name: 'prvReadCampaign', level: 'Global' as Level },
    // Messages in the record owner's language (Relay/sync/language.ts reads usersettings).
    ...platform('UserSettings', ['Read']),
    // The field map comes from the opportunity form's control parameters (Relay/sync/fieldMapSource).
    ...platform('SystemForm', ['Read']),
    // A changed field map realigns the opportunity Update step's filtering attributes and images
    // (Plugins/registration.ts realignSteps); creating endpoints and new steps stays with `cosell setup`.
    ...platform('SdkMessage', ['Read']),
    ...platform('SdkMessageProcessingStep', ['Read', 'Write']),
    ...platform('SdkMessageProcessingStepImage', ['Create', 'Read', 'Write']),
    // The relay checks its own wiring on a schedule and `cosell doctor` runs as the relay: the service
    // endpoint it is registered on, the installed solution and its own roles (read only).
    ...platform('ServiceEndpoint', ['Read']),
    ...platform('Solution', ['Read']),
    ...platform('Role', ['Read']),
  ],
};

/** Sellers: read the catalogue, manage solution rows and the sync toggle on their own opportunities. */
export const sellerRole: RoleDef = {
  ...SecurityRoles.seller,
  privileges: [
    ...grant(Tables.opportunity, 'Basic', ['Read', 'Write', 'AppendTo']),
    ...grant(Tables.solutionDetail, 'Global', ['Read', 'AppendTo']),
    ...grant(Tables.microsoftSolution, 'Basic', ['Create', 'Write', 'Delete', 'Append']),
    // Rows hang off opportunities the seller may only see through sharing: read at business-unit depth.
    ...grant(Tables.microsoftSolution, 'Local', ['Read']),
    // Sync events are owned by the integration user, so owner-based depth would hide them.
    ...grant(Tables.syncEvent, 'Global', ['Read']),
    // Solution area, play and partner role are lookups to the admin-maintained catalogue.
    ...grant(Tables.referralAttribute, 'Global', ['Read', 'AppendTo']),
    readEnvironmentVariables,
  ],
};

export const roles: RoleDef[] = [integrationRole, sellerRole];

/** FieldPermission values: 4 = allowed, 0 = not allowed. */
export interface FieldSecurityProfileDef {
  id: string;
  name: string;
  description: string;
  permissions: { table: TableName; column: string; read: 0 | 4; update: 0 | 4; create: 0 | 4 }[];
}

export const fieldSecurityProfiles: FieldSecurityProfileDef[] = [
  {
    ...FieldSecurityProfiles.integration,
    description: 'Assign to the relay application user: reads and writes the Partner Center sync columns.',
    permissions: SecuredOpportunityColumns.map((column) => ({
      table: Tables.opportunity,
      column,
      read: 4,
      update: 4,
      create: 4,
    })),
  },
  {
    ...FieldSecurityProfiles.seller,
    description:
      'Assign to sellers (or their team): reads the Partner Center sync columns, cannot change them.',
    permissions: SecuredOpportunityColumns.map((column) => ({
      table: Tables.opportunity,
      column,
      read: 4,
      update: 0,
      create: 0,
    })),
  },
];
