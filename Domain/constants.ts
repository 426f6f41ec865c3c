/**
 * Every Dataverse name the product owns or reads, in one place. The solution generator, the relay,
 * the plug-in steps, the form scripts and the PCF control all import from here; a bare logical name
 * anywhere else is a bug.
 */

export const PUBLISHER = {
  uniqueName: 'PartnerCoSell',
  prefix: 'pcs',
  /** Choice values are `optionValuePrefix * 10000 + n` (observed in real exports). */
  optionValuePrefix: 72710,
} as const;

export const SOLUTION_UNIQUE_NAME = 'PartnerCenterCoSell';

/** Languages every label, message and resx ships in. */
export const LANGUAGES = [1033, 1046, 3082] as const;
export type Lcid = (typeof LANGUAGES)[number];

/** Option value n of our publisher: 727100000 + n. */
export const optionValue = (n: number): number => PUBLISHER.optionValuePrefix * 10000 + n;

export const Tables = {
  opportunity: 'opportunity',
  account: 'account',
  contact: 'contact',
  lead: 'lead',
  systemuser: 'systemuser',
  transactioncurrency: 'transactioncurrency',
  microsoftSolution: 'pcs_microsoftsolution',
  solutionDetail: 'pcs_solutiondetail',
  syncEvent: 'pcs_syncevent',
  referralAttribute: 'pcs_referralattribute',
} as const;
export type TableName = (typeof Tables)[keyof typeof Tables];

/** Web API entity set names (plural, as Dataverse exposes them). */
export const EntitySets: Record<TableName, string> = {
  opportunity: 'opportunities',
  account: 'accounts',
  contact: 'contacts',
  lead: 'leads',
  systemuser: 'systemusers',
  transactioncurrency: 'transactioncurrencies',
  pcs_microsoftsolution: 'pcs_microsoftsolutions',
  pcs_solutiondetail: 'pcs_solutiondetails',
  pcs_syncevent: 'pcs_syncevents',
  pcs_referralattribute: 'pcs_referralattributes',
};

/** Our columns on opportunity (and, where noted, lead). */
export const OpportunityColumns = {
  id: 'opportunityid',
  name: 'name',
  estimatedValue: 'estimatedvalue',
  estimatedCloseDate: 'estimatedclosedate',
  description: 'description',
  parentAccount: 'parentaccountid',
  parentContact: 'parentcontactid',
  transactionCurrency: 'transactioncurrencyid',
  stateCode: 'statecode',
  statusCode: 'statuscode',
  modifiedOn: 'modifiedon',
  syncWithPartnerCenter: 'pcs_syncwithpartnercenter',
  referralId: 'pcs_referralid',
  referralLink: 'pcs_referrallink',
  helpNeeded: 'pcs_helpneeded',
  referralVisibility: 'pcs_referralvisibility',
  microsoftCrmId: 'pcs_microsoftcrmid',
  products: 'pcs_products',
  audit: 'pcs_audit',
  syncStatus: 'pcs_syncstatus',
  lastSyncedOn: 'pcs_lastsyncedon',
  referralStatus: 'pcs_referralstatus',
  referralSubstatus: 'pcs_referralsubstatus',
  engagementId: 'pcs_engagementid',
  /** When an unanswered incoming referral expires (Domain/referralDeadline.ts). */
  referralExpiresOn: 'pcs_referralexpireson',
  /** Yes when Partner Center gave no expirationDateTime and the expiry is created + 14 days. */
  referralExpiryEstimated: 'pcs_referralexpiryestimated',
  /** Microsoft's side of the engagement (Domain/microsoftEngagement.ts). */
  microsoftSellerName: 'pcs_microsoftsellername',
  microsoftSellerEmail: 'pcs_microsoftselleremail',
  microsoftEngagedOn: 'pcs_microsoftengagedon',
  microsoftUpdatedOn: 'pcs_microsoftupdatedon',
  microsoftNotes: 'pcs_microsoftnotes',
  microsoftStatus: 'pcs_microsoftstatus',
} as const;

export const LeadColumns = {
  id: 'leadid',
  subject: 'subject',
  companyName: 'companyname',
  firstName: 'firstname',
  lastName: 'lastname',
  email: 'emailaddress1',
  phone: 'telephone1',
  budgetAmount: 'budgetamount',
  description: 'description',
  estimatedCloseDate: 'estimatedclosedate',
  syncWithPartnerCenter: 'pcs_syncwithpartnercenter',
  referralId: 'pcs_referralid',
  referralLink: 'pcs_referrallink',
  referralStatus: 'pcs_referralstatus',
  referralSubstatus: 'pcs_referralsubstatus',
  syncStatus: 'pcs_syncstatus',
  referralExpiresOn: 'pcs_referralexpireson',
  referralExpiryEstimated: 'pcs_referralexpiryestimated',
} as const;

export const AccountColumns = {
  id: 'accountid',
  name: 'name',
  line1: 'address1_line1',
  line2: 'address1_line2',
  city: 'address1_city',
  state: 'address1_stateorprovince',
  postalCode: 'address1_postalcode',
  country: 'address1_country',
} as const;

export const ContactColumns = {
  id: 'contactid',
  firstName: 'firstname',
  lastName: 'lastname',
  email: 'emailaddress1',
  phone: 'telephone1',
  jobTitle: 'jobtitle',
  parentCustomer: 'parentcustomerid',
} as const;

export const TransactionCurrencyColumns = {
  id: 'transactioncurrencyid',
  isoCode: 'isocurrencycode',
} as const;

export const MicrosoftSolutionColumns = {
  id: 'pcs_microsoftsolutionid',
  name: 'pcs_name',
  opportunity: 'pcs_opportunityid',
  solutionDetail: 'pcs_solutiondetailid',
  solutionId: 'pcs_solutionid',
  /** Copied from the catalogue row by the relay, with the id and name (Relay/sync/solutionCatalogue.ts). */
  publisherName: 'pcs_publishername',
} as const;

export const SolutionDetailColumns = {
  id: 'pcs_solutiondetailid',
  name: 'pcs_name',
  solutionId: 'pcs_solutionid',
  publisherName: 'pcs_publishername',
  solutionType: 'pcs_solutiontype',
  isActive: 'pcs_isactive',
  /** Who added the row: an administrator (catalogue) or the relay, for an id only Partner Center knew. */
  source: 'pcs_source',
  /** IP or Services co-sell solution (SolutionKindOptions): decides what a Services co-sell referral is. */
  solutionKind: 'pcs_solutionkind',
} as const;

export const SyncEventColumns = {
  id: 'pcs_synceventid',
  name: 'pcs_name',
  opportunity: 'pcs_opportunityid',
  lead: 'pcs_leadid',
  direction: 'pcs_direction',
  outcome: 'pcs_outcome',
  message: 'pcs_message',
  referralId: 'pcs_referralid',
  correlationId: 'pcs_correlationid',
  occurredOn: 'pcs_occurredon',
  changes: 'pcs_changes',
} as const;

/**
 * Relationships we ship. Navigation property names are set explicitly in the solution XML so the
 * Web API `@odata.bind` names below are guaranteed (Dataverse binds lookups by navigation name).
 */
export const Relationships = {
  opportunitySolutions: {
    schemaName: 'pcs_opportunity_pcs_microsoftsolution',
    referencing: Tables.microsoftSolution,
    referenced: Tables.opportunity,
    lookup: MicrosoftSolutionColumns.opportunity,
    /** single-valued navigation on the child, used in `@odata.bind` */
    navigation: 'pcs_opportunityid',
    /** collection-valued navigation on opportunity, used in `$expand` */
    collection: 'pcs_opportunity_pcs_microsoftsolution',
  },
  solutionDetailSolutions: {
    schemaName: 'pcs_solutiondetail_pcs_microsoftsolution',
    referencing: Tables.microsoftSolution,
    referenced: Tables.solutionDetail,
    lookup: MicrosoftSolutionColumns.solutionDetail,
    navigation: 'pcs_solutiondetailid',
    collection: 'pcs_solutiondetail_pcs_microsoftsolution',
  },
  opportunitySyncEvents: {
    schemaName: 'pcs_opportunity_pcs_syncevent',
    referencing: Tables.syncEvent,
    referenced: Tables.opportunity,
    lookup: SyncEventColumns.opportunity,
    navigation: 'pcs_opportunityid',
    collection: 'pcs_opportunity_pcs_syncevent',
  },
  leadSyncEvents: {
    schemaName: 'pcs_lead_pcs_syncevent',
    referencing: Tables.syncEvent,
    referenced: Tables.lead,
    lookup: SyncEventColumns.lead,
    navigation: 'pcs_leadid',
    collection: 'pcs_lead_pcs_syncevent',
  },
  // The referral-attribute lookups name their navigation property like the column (`…@odata.bind`
  // and `$expand` use it).
  opportunitySolutionArea: {
    schemaName: 'pcs_referralattribute_opportunity_solutionarea',
    referencing: Tables.opportunity,
    referenced: Tables.referralAttribute,
    lookup: 'pcs_solutionareaid',
    navigation: 'pcs_solutionareaid',
    collection: 'pcs_referralattribute_opportunity_solutionarea',
  },
  opportunitySolutionPlay: {
    schemaName: 'pcs_referralattribute_opportunity_solutionplay',
    referencing: Tables.opportunity,
    referenced: Tables.referralAttribute,
    lookup: 'pcs_solutionplayid',
    navigation: 'pcs_solutionplayid',
    collection: 'pcs_referralattribute_opportunity_solutionplay',
  },
  opportunityPartnerRole: {
    schemaName: 'pcs_referralattribute_opportunity_partnerrole',
    referencing: Tables.opportunity,
    referenced: Tables.referralAttribute,
    lookup: 'pcs_partnerroleid',
    navigation: 'pcs_partnerroleid',
    collection: 'pcs_referralattribute_opportunity_partnerrole',
  },
} as const;

/** Standard opportunity navigation names (single-valued) the relay expands or binds. */
export const OpportunityNavigation = {
  parentAccount: 'parentaccountid',
  parentContact: 'parentcontactid',
  transactionCurrency: 'transactioncurrencyid',
} as const;

export const EnvironmentVariables = {
  showCheckmarkInName: 'pcs_ShowCheckmarkInName',
  dealValueFieldName: 'pcs_DealValueFieldName',
  countryCodeFieldName: 'pcs_CountryCodeFieldName',
  relayBaseUrl: 'pcs_RelayBaseUrl',
  relayClientId: 'pcs_RelayClientId',
  inboundReferralPolicy: 'pcs_InboundReferralPolicy',
  /** Yes (default): a referral closed in Partner Center closes its opportunity (Win/Lose) or lead. */
  closeOpportunityFromPartnerCenter: 'pcs_CloseOpportunityFromPartnerCenter',
  /** `lead` (default) or `opportunity`: what a Microsoft-originated referral becomes. */
  microsoftReferralTarget: 'pcs_MicrosoftReferralTarget',
  coSellCreationFlow: 'pcs_CoSellCreationFlow',
} as const;

/** Choice values. Partner Center enum text ↔ our option values live in one table each. */
export const SyncStatus = {
  notSynced: optionValue(0),
  pending: optionValue(1),
  synced: optionValue(2),
  error: optionValue(3),
} as const;

export const ReferralVisibility = {
  notVisible: optionValue(0),
  visible: optionValue(1),
} as const;

/** pcs_helpneeded ↔ inviteContext.assistanceRequestCode (empty column = no help = `Unknown`). */
export const HelpNeededOptions = {
  WorkloadSpecificValueProposition: optionValue(1),
  CustomerTechnicalArchitecture: optionValue(2),
  ProofOfConceptOrDemo: optionValue(3),
  QuotesOrLicensing: optionValue(4),
  PostSalesCustomerSuccess: optionValue(5),
  GeneralOrOther: optionValue(6),
} as const;

export const ReferralStatusOptions = {
  New: optionValue(0),
  Active: optionValue(1),
  Closed: optionValue(2),
} as const;

export const ReferralSubstatusOptions = {
  Pending: optionValue(0),
  Received: optionValue(1),
  Accepted: optionValue(2),
  Won: optionValue(3),
  Lost: optionValue(4),
  Declined: optionValue(5),
  Expired: optionValue(6),
} as const;

export const SyncDirection = { toPartnerCenter: optionValue(0), toDataverse: optionValue(1) } as const;
export const SyncOutcome = {
  succeeded: optionValue(0),
  failed: optionValue(1),
  skipped: optionValue(2),
} as const;

export const SolutionTypeOptions = {
  None: optionValue(0),
  Category: optionValue(1),
  Name: optionValue(2),
} as const;

/** pcs_solutiondetail.pcs_source: rows an admin maintains vs rows the relay added for an unknown id. */
export const SolutionDetailSourceOptions = {
  Catalogue: optionValue(0),
  PartnerCenter: optionValue(1),
} as const;

/** PCF control identity: folder/name in the solution is `<prefix>_<namespace>.<constructor>`. */
export const PcfControl = {
  namespace: 'PartnerCoSell',
  constructorName: 'PartnerCenterSync',
  fullName: 'pcs_PartnerCoSell.PartnerCenterSync',
} as const;

/** Web resource names (the form library) and its global namespace. */
export const WebResourceNames = {
  opportunityForm: 'pcs_/scripts/opportunityform.js',
  globalNamespace: 'PartnerCoSell.OpportunityForm',
} as const;

/** Columns only the relay's integration user writes. Never used as step filtering attributes. */
export const RelayOwnedOpportunityColumns = [
  OpportunityColumns.referralId,
  OpportunityColumns.referralLink,
  OpportunityColumns.microsoftCrmId,
  OpportunityColumns.audit,
  OpportunityColumns.syncStatus,
  OpportunityColumns.lastSyncedOn,
  OpportunityColumns.engagementId,
  OpportunityColumns.referralStatus,
  OpportunityColumns.referralSubstatus,
  OpportunityColumns.referralExpiresOn,
  OpportunityColumns.referralExpiryEstimated,
  OpportunityColumns.microsoftSellerName,
  OpportunityColumns.microsoftSellerEmail,
  OpportunityColumns.microsoftEngagedOn,
  OpportunityColumns.microsoftUpdatedOn,
  OpportunityColumns.microsoftNotes,
  OpportunityColumns.microsoftStatus,
] as const;

/** Partner Center referral deep link (Partner Center UI). */
export const referralLink = (referralId: string): string =>
  `https://partner.microsoft.com/dashboard/v2/referrals/cosellopportunities/${referralId}`;

/** Properties of the PCF control manifest; FormXml binds them by these names. */
export const PcfProperties = {
  syncEnabled: 'syncEnabled',
  referralId: 'referralId',
  referralLink: 'referralLink',
  syncStatus: 'syncStatus',
  lastSyncedOn: 'lastSyncedOn',
  microsoftCrmId: 'microsoftCrmId',
  referralStatus: 'referralStatus',
  referralSubstatus: 'referralSubstatus',
  audit: 'audit',
  fieldMap: 'fieldMap',
  relayUrl: 'relayUrl',
} as const;

/** Column each bound PCF property is bound to on the opportunity form. */
export const PcfBindings = {
  syncEnabled: OpportunityColumns.syncWithPartnerCenter,
  referralId: OpportunityColumns.referralId,
  referralLink: OpportunityColumns.referralLink,
  syncStatus: OpportunityColumns.syncStatus,
  lastSyncedOn: OpportunityColumns.lastSyncedOn,
  microsoftCrmId: OpportunityColumns.microsoftCrmId,
  referralStatus: OpportunityColumns.referralStatus,
  referralSubstatus: OpportunityColumns.referralSubstatus,
  audit: OpportunityColumns.audit,
} as const;

/** Form script handlers exported by the web-resource library and registered in FormXml. */
export const FormHandlers = {
  onLoad: `${WebResourceNames.globalNamespace}.onLoad`,
  onSave: `${WebResourceNames.globalNamespace}.onSave`,
  onSyncChange: `${WebResourceNames.globalNamespace}.onSyncChange`,
  onHelpNeededChange: `${WebResourceNames.globalNamespace}.onHelpNeededChange`,
} as const;

/** The opportunity main form we ship (existing forms untouched). */
export const OpportunityForm = {
  id: '6f3c2a10-5b7d-4c8e-9a41-2d0b8e7c5f01',
  name: 'Opportunity – Partner Center co-sell',
} as const;

// ---- Solution component ids and names ----
// Fixed ids keep re-imports upgrading the same components instead of creating duplicates.

/** Schema names (casing as Dataverse reports them) of the tables our relationships point at. */
export const TableSchemaNames = {
  opportunity: 'Opportunity',
  lead: 'Lead',
  systemuser: 'SystemUser',
  businessunit: 'BusinessUnit',
  team: 'Team',
  owner: 'Owner',
} as const;

/** Columns every user-owned custom table carries (created by the platform, listed in exports). */
export const SystemColumns = {
  createdBy: 'createdby',
  createdOn: 'createdon',
  createdOnBehalfBy: 'createdonbehalfby',
  importSequenceNumber: 'importsequencenumber',
  modifiedBy: 'modifiedby',
  modifiedOn: 'modifiedon',
  modifiedOnBehalfBy: 'modifiedonbehalfby',
  overriddenCreatedOn: 'overriddencreatedon',
  ownerId: 'ownerid',
  owningBusinessUnit: 'owningbusinessunit',
  owningTeam: 'owningteam',
  owningUser: 'owninguser',
  stateCode: 'statecode',
  statusCode: 'statuscode',
  timeZoneRuleVersionNumber: 'timezoneruleversionnumber',
  utcConversionTimeZoneCode: 'utcconversiontimezonecode',
} as const;

/** Main forms of the three new tables. */
export const TableForms = {
  pcs_microsoftsolution: 'af50f10f-fb78-4f3f-b3fa-10afc064d13c',
  pcs_solutiondetail: 'a47fba0f-5e3c-4dfb-9544-d834d76235da',
  pcs_syncevent: 'c0f51dce-fdc0-4642-9fde-1522b5cafaab',
  pcs_referralattribute: '475412df-094f-4a76-93cf-b747be77dec3',
} as const;

/** Views (saved queries) we ship. The subgrids on the opportunity form use the `associated` views. */
export const Views = {
  opportunitySynced: 'e9780bb7-cb71-4f30-ac9d-b20f3df6ed0a',
  opportunitySyncErrors: '4880d356-01a3-4732-945e-454ab381cba8',
  syncEventFailed: '8b35df0b-65d6-41eb-aebe-6ca2c555dd1e',
  opportunityReferralsExpiring: '3d6f7f0e-8c1b-4a47-9f0e-5b2d61c4a7e3',
  leadReferralsExpiring: 'b0e41c57-2f6a-4d8e-a3c9-71e5d0f8b264',
  pcs_microsoftsolution: {
    public: '2000ebac-500e-48c3-afbd-9968dc3bdd69',
    advancedFind: '39eff0c3-a339-42f4-9b53-48857543acfd',
    associated: '2fb8b584-7c2b-4705-beb0-bb77b5736c63',
    quickFind: '2b6f38a8-29b6-402e-a872-878876b6183d',
    lookup: '1d027ba9-7fe7-4702-872e-6c36c0ef97bf',
  },
  pcs_solutiondetail: {
    public: 'b7c018b6-f34b-4aed-a5dd-1371b26429f8',
    advancedFind: 'f353421e-87e2-48d9-87d5-8ba8fe673d49',
    associated: '7db9fbf4-9816-4cea-a305-27321c552e90',
    quickFind: '764506f9-0d70-4c82-b87f-f4cbd74e3681',
    lookup: '3a90a3cc-ec9e-468b-848a-403a7279d0a4',
  },
  pcs_syncevent: {
    public: 'e7e8d2d6-138e-4f2b-bd79-295841698900',
    advancedFind: '6547243f-4dfd-41ca-95b0-a475cfea2913',
    associated: '338fbc99-081d-4ff7-b553-6b8ba256ea4f',
    quickFind: 'cf020032-19ae-4a62-b823-8dd1cbe302b7',
    lookup: 'a33580a4-8fca-4057-94d9-1d2bc0a06095',
  },
  pcs_referralattribute: {
    public: '77ca50c3-d90b-4d5e-8fb5-77aa42a6cc38',
    advancedFind: '32992926-269d-4e5c-af6a-9670f5ee602d',
    associated: '06a9a825-1567-4c33-93f2-93ab5d2b5c35',
    quickFind: '58a01841-4fe9-45ef-96a7-9de0be30d945',
    lookup: 'bff40e61-1b55-4f34-9628-e1c279a907d7',
  },
  /** Active catalogue values of one category: the default (and only) views of the opportunity lookups. */
  solutionAreas: '98191936-0c2e-4256-accd-e4f5515310ac',
  solutionPlays: '03b4a9b6-1069-4ba7-b432-e572cc641bd9',
  partnerRoles: 'd3633c1c-ab8d-4888-8783-0a7ce83f7957',
} as const;

/** Security roles: the integration role is for the relay's application user (the admin assigns it,
 *  Solution/README.md), the seller role for sellers. */
export const SecurityRoles = {
  integration: { id: 'ed6f2330-6871-406f-a3e1-d14a98675b8f', name: 'Partner Center Sync Integration' },
  seller: { id: '683d5731-d561-4fd9-92ca-bda9ba9f85a0', name: 'Partner Center Co-sell Seller' },
} as const;

/**
 * Field security profiles for the relay-written columns. Profiles are assigned to users/teams (not
 * roles): the integration profile to the relay's application user, the seller profile to sellers.
 */
export const FieldSecurityProfiles = {
  integration: { id: 'ca2381e0-7864-4e63-a55d-7dfecdff3ad9', name: 'Partner Center Sync Integration' },
  seller: { id: 'd6ef4c8a-1731-419f-8151-6f972aa33bab', name: 'Partner Center Co-sell Seller (read only)' },
} as const;

/** Columns protected by the field security profiles (readable by sellers, written by the relay only). */
export const SecuredOpportunityColumns = [
  OpportunityColumns.referralId,
  OpportunityColumns.referralLink,
  OpportunityColumns.microsoftCrmId,
  OpportunityColumns.audit,
  OpportunityColumns.syncStatus,
  OpportunityColumns.lastSyncedOn,
  OpportunityColumns.engagementId,
] as const;

/** The form library web resource's id (fixed so the zip part name is stable). */
export const WebResourceIds = {
  opportunityForm: 'ecbe43ba-a297-4271-ae30-8c90e4a81a26',
} as const;

// ---- Platform tables read at runtime by the browser code ----

/** Environment variable definition + value rows (dataverse-solution-format.md §6: value row, else default). */
export const EnvironmentVariableColumns = {
  definitionTable: 'environmentvariabledefinition',
  schemaName: 'schemaname',
  defaultValue: 'defaultvalue',
  value: 'value',
  /** collection-valued navigation definition → value rows, used in `$expand` */
  valuesNavigation: 'environmentvariabledefinition_environmentvariablevalue',
} as const;

/** systemuser columns: `domainname` is the user's UPN, MSAL's login hint for silent SSO. */
export const SystemUserColumns = {
  id: 'systemuserid',
  domainName: 'domainname',
  /** The user's Entra ID object id: the `oid` claim of their tokens. */
  entraObjectId: 'azureactivedirectoryobjectid',
} as const;

/** usersettings: a user's personal options; `uilanguageid` is the LCID of the user's UI language. */
export const UserSettings = {
  entitySet: 'usersettingscollection',
  systemUserId: 'systemuserid',
  uiLanguageId: 'uilanguageid',
} as const;

/** Lead state (statecode) values the relay reacts to: qualification and disqualification. */
export const LeadState = {
  stateCode: 'statecode',
  statusCode: 'statuscode',
  open: 0,
  qualified: 1,
  disqualified: 2,
  /** Standard link from an opportunity to the lead it was qualified from. */
  originatingLead: 'originatingleadid',
} as const;

/** Win / Lose message input parameters and the opportunityclose columns the relay reads. */
export const OpportunityCloseMessage = {
  closeParameter: 'OpportunityClose',
  statusParameter: 'Status',
  opportunity: 'opportunityid',
  subject: 'subject',
  description: 'description',
} as const;

/** Platform tables `cosell setup` writes to register webhook steps and environment variable values
 *  (entity set names; see dataverse-solution-format.md §5.6 and §6). */
export const RegistrationEntitySets = {
  serviceEndpoints: 'serviceendpoints',
  sdkMessages: 'sdkmessages',
  sdkMessageFilters: 'sdkmessagefilters',
  steps: 'sdkmessageprocessingsteps',
  stepImages: 'sdkmessageprocessingstepimages',
  environmentVariableDefinitions: 'environmentvariabledefinitions',
  environmentVariableValues: 'environmentvariablevalues',
  solutions: 'solutions',
} as const;

/** Columns and navigations of the platform tables `cosell setup` reads and writes (§5.6). */
export const RegistrationColumns = {
  solution: { uniqueName: 'uniquename', version: 'version', isManaged: 'ismanaged' },
  serviceEndpoint: {
    id: 'serviceendpointid',
    name: 'name',
    description: 'description',
    url: 'url',
    contract: 'contract',
    authType: 'authtype',
    authValue: 'authvalue',
    messageFormat: 'messageformat',
    userClaim: 'userclaim',
    connectionMode: 'connectionmode',
  },
  sdkMessage: { id: 'sdkmessageid', name: 'name' },
  sdkMessageFilter: {
    id: 'sdkmessagefilterid',
    primaryObjectTypeCode: 'primaryobjecttypecode',
    message: 'sdkmessageid',
  },
  step: {
    id: 'sdkmessageprocessingstepid',
    name: 'name',
    stage: 'stage',
    mode: 'mode',
    rank: 'rank',
    supportedDeployment: 'supporteddeployment',
    asyncAutoDelete: 'asyncautodelete',
    filteringAttributes: 'filteringattributes',
    message: 'sdkmessageid',
    filter: 'sdkmessagefilterid',
    eventHandler: 'eventhandler',
    /** single-valued navigation of the step's handler when it is a service endpoint */
    eventHandlerEndpointNavigation: 'eventhandler_serviceendpoint',
  },
  stepImage: {
    id: 'sdkmessageprocessingstepimageid',
    name: 'name',
    alias: 'entityalias',
    imageType: 'imagetype',
    messagePropertyName: 'messagepropertyname',
    attributes: 'attributes',
    step: 'sdkmessageprocessingstepid',
  },
  environmentVariableValue: {
    id: 'environmentvariablevalueid',
    value: 'value',
    schemaName: 'schemaname',
    /** The single-valued navigation really is PascalCase on the value table. */
    definitionNavigation: 'EnvironmentVariableDefinitionId',
  },
  environmentVariableDefinition: { id: 'environmentvariabledefinitionid' },
} as const;

// ---- Relay sign-in library ----

/**
 * The web resource that carries MSAL for the browser (`out/webresources/relayauth.js`). Kept out of the
 * PCF bundle and the form library: callers load it by script tag only when pcs_RelayClientId is a real
 * Entra ID app (not `sandbox`). It defines `PartnerCoSell.RelayAuth.createMsalTokenProvider`.
 */
export const RelayAuthWebResource = {
  name: 'pcs_/scripts/relayauth.js',
  id: 'a472f56e-332f-40a6-ac44-1434241c40c7',
  globalNamespace: 'PartnerCoSell.RelayAuth',
  factoryName: 'createMsalTokenProvider',
  /** The relay client itself, which the PCF control loads from here rather than bundling it. */
  relayClientFactoryName: 'createRelayClientForUser',
} as const;

// ---- Closing and qualifying from Partner Center ----

/**
 * Opportunity state and status reasons the relay closes with (opportunity entity reference:
 * statecode 0 Open / 1 Won / 2 Lost; statuscode 3 Won, 4 Canceled, 5 Out-Sold).
 */
export const OpportunityState = {
  open: 0,
  won: 1,
  lost: 2,
  statusWon: 3,
  statusCanceled: 4,
  statusOutSold: 5,
} as const;

/** Lead status reasons (lead entity reference): 3 Qualified (state 1); 4 Lost, 7 Canceled (state 2). */
export const LeadStatus = {
  qualified: 3,
  lost: 4,
  canceled: 7,
} as const;

/** Sales messages the relay calls: unbound Win/Lose, and QualifyLead bound to a lead. */
export const SalesActions = {
  winOpportunity: 'WinOpportunity',
  loseOpportunity: 'LoseOpportunity',
  qualifyLead: 'QualifyLead',
} as const;

/** opportunityclose columns the relay writes (deep-inserted as the OpportunityClose parameter). */
export const OpportunityCloseColumns = {
  subject: 'subject',
  description: 'description',
  actualEnd: 'actualend',
  actualRevenue: 'actualrevenue',
  /** single-valued navigation to the opportunity, used in `@odata.bind` */
  opportunityNavigation: 'opportunityid',
} as const;

/** QualifyLead parameters (Web API QualifyLead action). */
export const QualifyLeadParameters = {
  createAccount: 'CreateAccount',
  createContact: 'CreateContact',
  createOpportunity: 'CreateOpportunity',
  opportunityCustomer: 'OpportunityCustomerId',
  opportunityCurrency: 'OpportunityCurrencyId',
  status: 'Status',
} as const;

/** Lead lookups to an existing customer ("Existing Account" / "Existing Contact" on the lead form). */
export const LeadCustomerColumns = {
  parentAccount: 'parentaccountid',
  parentContact: 'parentcontactid',
} as const;
// ---- Current referral fields: FY26 solution area / play / partner role, marketplace intent ----

/**
 * Opportunity columns of the referral fields Partner Center added after the 2020 connector. Area, play
 * and role are lookups to the Referral Attributes catalogue (their value ids are not published, so
 * they are data); the marketplace intent is a choice (its three labels are published).
 */
export const ReferralFieldColumns = {
  solutionArea: Relationships.opportunitySolutionArea.lookup,
  solutionPlay: Relationships.opportunitySolutionPlay.lookup,
  partnerRole: Relationships.opportunityPartnerRole.lookup,
  marketplaceIntent: 'pcs_customermarketplaceintent',
} as const;

/** The admin-maintained catalogue of solution areas, plays and partner roles (pcs_referralattribute). */
export const ReferralAttributeColumns = {
  id: 'pcs_referralattributeid',
  name: 'pcs_name',
  category: 'pcs_category',
  /** The value id Partner Center receives (`attributes[].id`). */
  code: 'pcs_code',
  isActive: 'pcs_isactive',
} as const;

/** pcs_category: which opportunity field a catalogue value belongs to. */
export const ReferralAttributeCategoryOptions = {
  solutionArea: optionValue(0),
  solutionPlay: optionValue(1),
  partnerRole: optionValue(2),
} as const;
export type ReferralAttributeCategory = keyof typeof ReferralAttributeCategoryOptions;

/** pcs_customermarketplaceintent ↔ the intent ids (only `HaveNotDecided` is published; see docs). */
export const MarketplaceIntentOptions = {
  Yes: optionValue(0),
  No: optionValue(1),
  HaveNotDecided: optionValue(2),
} as const;

/** pcs_solutionkind on Microsoft Solution Details: Partner Center's IP and Services co-sell solutions. */
export const SolutionKindOptions = {
  ip: optionValue(0),
  services: optionValue(1),
} as const;

/** pcs_CoSellCreationFlow values: how a deal shared with Microsoft is created (docs/co-sell-creation.md). */
export const CoSellCreationFlows = {
  oneStep: 'one-step',
  twoStep: 'two-step',
} as const;
export type CoSellCreationFlow = (typeof CoSellCreationFlows)[keyof typeof CoSellCreationFlows];

// ---- Record access rights ----

/**
 * Dataverse AccessRights flags, as RetrievePrincipalAccess returns them: a ", "-separated list of these
 * names (or "None"). https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/accessrights
 */
export const AccessRights = {
  ReadAccess: 1,
  WriteAccess: 2,
  AppendAccess: 4,
  AppendToAccess: 16,
  CreateAccess: 32,
  DeleteAccess: 65536,
  ShareAccess: 262144,
  AssignAccess: 524288,
} as const;
export type AccessRight = keyof typeof AccessRights;

// ---- Wiring checks (`cosell doctor`) ----

/** What `cosell doctor` reads beyond the registration tables: the application user's state and roles,
 *  whether the solution is managed, and whether a step is enabled. */
export const WiringColumns = {
  systemUser: { entitySet: EntitySets.systemuser, isDisabled: 'isdisabled', fullName: 'fullname' },
  /** The intersect table of the systemuser ↔ role N:N relationship (systemuserroles_association). */
  userRoles: { entitySet: 'systemuserrolescollection', systemUserId: 'systemuserid', roleId: 'roleid' },
  role: { entitySet: 'roles', id: 'roleid', name: 'name' },
  solution: { isManaged: 'ismanaged' },
  /** sdkmessageprocessingstep statecode: 0 Enabled, 1 Disabled. */
  step: { stateCode: 'statecode', enabled: 0 },
} as const;

// ---- Role assignment (`cosell setup --assign-role`) ----

/** N:N navigations from systemuser and team that carry security roles and field security profiles. */
export const SecurityAssignments = {
  userRoles: 'systemuserroles_association',
  userProfiles: 'systemuserprofiles_association',
  teamRoles: 'teamroles_association',
  teamProfiles: 'teamprofiles_association',
  /** team ↔ systemuser: the team's members. */
  teamMembers: 'teammembership_association',
  fieldSecurityProfile: { entitySet: 'fieldsecurityprofiles', id: 'fieldsecurityprofileid' },
} as const;

/** team (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/team). */
export const TeamColumns = {
  entitySet: 'teams',
  id: 'teamid',
  name: 'name',
  teamType: 'teamtype',
  entraObjectId: 'azureactivedirectoryobjectid',
  businessUnit: 'businessunitid',
} as const;

/** team.teamtype. An access team has no security roles; owner and Entra group teams do. */
export const TeamTypes = { owner: 0, access: 1, entraSecurityGroup: 2, entraOfficeGroup: 3 } as const;

/** `cosell setup --assign-role team:<name or teamid>`: the principal is a team (a UPN has no colon). */
export const TEAM_PRINCIPAL_PREFIX = 'team:';
