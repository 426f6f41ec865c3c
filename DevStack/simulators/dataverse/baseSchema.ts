/**
 * Base definition of the standard and platform tables the simulator knows before any solution is
 * imported: the columns the product reads on opportunity/account/contact/lead/systemuser/
 * transactioncurrency (names from Domain/constants.ts), the usual system columns, and the metadata
 * tables behind webhook registration, environment variables and forms. Navigation names are the
 * real ones (e.g. `eventhandler_serviceendpoint`, `environmentvariabledefinition_environmentvariablevalue`,
 * `opportunity_parent_account`) so clients written against the simulator work against Dataverse.
 * Nothing with our publisher prefix lives here: those tables arrive by importing the solution zip.
 */
import {
  AccountColumns,
  ContactColumns,
  LeadColumns,
  OpportunityColumns,
  Tables,
  EntitySets,
  TransactionCurrencyColumns,
} from '../../../Domain';
import type {
  AttributeDef,
  AttributeType,
  OptionDef,
  RelationshipDef,
  SchemaSnapshot,
  TableDef,
} from './metadata';

type ColumnSpec = [logicalName: string, type: AttributeType, extra?: Partial<AttributeDef>];

const opts = (...pairs: Array<[number, string, number?]>): OptionDef[] =>
  pairs.map(([value, label, state]) => (state === undefined ? { value, label } : { value, label, state }));

const ACTIVE_STATE = opts([0, 'Active'], [1, 'Inactive']);
const ACTIVE_STATUS = opts([1, 'Active', 0], [2, 'Inactive', 1]);

function table(
  logicalName: string,
  entitySetName: string,
  primaryName: string,
  columns: ColumnSpec[],
  options: { userOwned?: boolean; stateful?: boolean; isSystem?: boolean; primaryId?: string } = {},
): TableDef {
  const primaryId = options.primaryId ?? `${logicalName}id`;
  const specs: ColumnSpec[] = [
    [primaryId, 'primarykey'],
    ['createdon', 'datetime'],
    ['modifiedon', 'datetime'],
    ['createdby', 'lookup', { targets: ['systemuser'] }],
    ['modifiedby', 'lookup', { targets: ['systemuser'] }],
    ['versionnumber', 'bigint'],
    // Ownership columns of user-owned tables (security-sharing-assigning.md); teams are not modelled.
    ...(options.userOwned
      ? ([
          ['ownerid', 'owner', { targets: ['systemuser'] }],
          ['owninguser', 'lookup', { targets: ['systemuser'] }],
          ['owningbusinessunit', 'lookup', { targets: ['businessunit'] }],
        ] as ColumnSpec[])
      : []),
    ...(options.stateful === false
      ? []
      : ([
          ['statecode', 'state', { options: ACTIVE_STATE }],
          ['statuscode', 'status', { options: ACTIVE_STATUS }],
        ] as ColumnSpec[])),
    ...columns,
  ];
  const attributes: Record<string, AttributeDef> = {};
  for (const [name, type, extra] of specs) {
    attributes[name] = { logicalName: name, schemaName: name, type, isCustom: false, ...extra };
  }
  return {
    logicalName,
    schemaName: logicalName,
    entitySetName,
    primaryIdAttribute: primaryId,
    primaryNameAttribute: primaryName,
    isCustom: false,
    isSystem: options.isSystem ?? false,
    attributes,
  };
}

const rel = (
  schemaName: string,
  referencingEntity: string,
  referencingAttribute: string,
  referencedEntity: string,
  referencingNavigation = referencingAttribute,
): RelationshipDef => ({
  schemaName,
  referencingEntity,
  referencingAttribute,
  referencedEntity,
  referencingNavigation,
  referencedNavigation: schemaName,
});

/** createdby/modifiedby/ownerid relationships every user-owned or org-owned table has. */
function auditRelationships(t: TableDef): RelationshipDef[] {
  const list = [
    rel(`lk_${t.logicalName}base_createdby`, t.logicalName, 'createdby', 'systemuser'),
    rel(`lk_${t.logicalName}base_modifiedby`, t.logicalName, 'modifiedby', 'systemuser'),
  ];
  if (t.attributes.ownerid)
    list.push(
      rel(`owner_${t.entitySetName}`, t.logicalName, 'ownerid', 'systemuser'),
      rel(`user_${t.logicalName}`, t.logicalName, 'owninguser', 'systemuser'),
      rel(`business_unit_${t.logicalName}`, t.logicalName, 'owningbusinessunit', 'businessunit'),
    );
  return list;
}

const O = OpportunityColumns;
const L = LeadColumns;

const opportunity = table(
  Tables.opportunity,
  EntitySets.opportunity,
  O.name,
  [
    [O.name, 'nvarchar', { maxLength: 300 }],
    [O.estimatedValue, 'money'],
    ['estimatedvalue_base', 'money'],
    ['actualvalue', 'money'],
    [O.estimatedCloseDate, 'datetime'],
    ['actualclosedate', 'datetime'],
    [O.description, 'ntext', { maxLength: 2000 }],
    ['closeprobability', 'int'],
    ['stepname', 'nvarchar'],
    ['exchangerate', 'decimal'],
    [O.parentAccount, 'lookup', { targets: [Tables.account] }],
    [O.parentContact, 'lookup', { targets: [Tables.contact] }],
    ['customerid', 'customer', { targets: [Tables.account, Tables.contact] }],
    [O.transactionCurrency, 'lookup', { targets: [Tables.transactioncurrency] }],
    ['originatingleadid', 'lookup', { targets: [Tables.lead] }],
    [O.stateCode, 'state', { options: opts([0, 'Open'], [1, 'Won'], [2, 'Lost']) }],
    [
      O.statusCode,
      'status',
      {
        options: opts(
          [1, 'In Progress', 0],
          [2, 'On Hold', 0],
          [3, 'Won', 1],
          [4, 'Canceled', 2],
          [5, 'Out-Sold', 2],
        ),
      },
    ],
  ],
  { userOwned: true },
);

const account = table(
  Tables.account,
  EntitySets.account,
  AccountColumns.name,
  [
    [AccountColumns.name, 'nvarchar', { maxLength: 160 }],
    [AccountColumns.line1, 'nvarchar'],
    [AccountColumns.line2, 'nvarchar'],
    [AccountColumns.city, 'nvarchar'],
    [AccountColumns.state, 'nvarchar'],
    [AccountColumns.postalCode, 'nvarchar'],
    [AccountColumns.country, 'nvarchar'],
    // A second standard country column: where an admin may keep ISO codes (pcs_CountryCodeFieldName).
    ['address2_country', 'nvarchar'],
    ['telephone1', 'nvarchar'],
    ['emailaddress1', 'nvarchar'],
    ['websiteurl', 'nvarchar'],
    ['primarycontactid', 'lookup', { targets: [Tables.contact] }],
    ['originatingleadid', 'lookup', { targets: [Tables.lead] }],
  ],
  { userOwned: true },
);

const contact = table(
  Tables.contact,
  EntitySets.contact,
  'fullname',
  [
    [ContactColumns.firstName, 'nvarchar'],
    [ContactColumns.lastName, 'nvarchar'],
    ['fullname', 'nvarchar'],
    [ContactColumns.email, 'nvarchar'],
    [ContactColumns.phone, 'nvarchar'],
    [ContactColumns.jobTitle, 'nvarchar'],
    [ContactColumns.parentCustomer, 'customer', { targets: [Tables.account, Tables.contact] }],
    ['originatingleadid', 'lookup', { targets: [Tables.lead] }],
  ],
  { userOwned: true },
);

const lead = table(
  Tables.lead,
  EntitySets.lead,
  'fullname',
  [
    [L.subject, 'nvarchar'],
    [L.companyName, 'nvarchar'],
    [L.firstName, 'nvarchar'],
    [L.lastName, 'nvarchar'],
    ['fullname', 'nvarchar'],
    [L.email, 'nvarchar'],
    [L.phone, 'nvarchar'],
    [L.budgetAmount, 'money'],
    [L.description, 'ntext'],
    [L.estimatedCloseDate, 'datetime'],
    ['parentaccountid', 'lookup', { targets: [Tables.account] }],
    ['parentcontactid', 'lookup', { targets: [Tables.contact] }],
    ['transactioncurrencyid', 'lookup', { targets: [Tables.transactioncurrency] }],
    ['qualifyingopportunityid', 'lookup', { targets: [Tables.opportunity] }],
    ['statecode', 'state', { options: opts([0, 'Open'], [1, 'Qualified'], [2, 'Disqualified']) }],
    [
      'statuscode',
      'status',
      {
        options: opts(
          [1, 'New', 0],
          [2, 'Contacted', 0],
          [3, 'Qualified', 1],
          [4, 'Lost', 2],
          [5, 'Cannot Contact', 2],
          [6, 'No Longer Interested', 2],
          [7, 'Canceled', 2],
        ),
      },
    ],
  ],
  { userOwned: true },
);

const systemuser = table(
  Tables.systemuser,
  EntitySets.systemuser,
  'fullname',
  [
    ['fullname', 'nvarchar'],
    ['firstname', 'nvarchar'],
    ['lastname', 'nvarchar'],
    ['domainname', 'nvarchar'],
    ['internalemailaddress', 'nvarchar'],
    ['azureactivedirectoryobjectid', 'uniqueidentifier'],
    ['applicationid', 'uniqueidentifier'],
    ['isdisabled', 'bit'],
    ['businessunitid', 'lookup', { targets: ['businessunit'] }],
  ],
  { stateful: false },
);

const transactioncurrency = table(
  Tables.transactioncurrency,
  EntitySets.transactioncurrency,
  'currencyname',
  [
    ['currencyname', 'nvarchar'],
    [TransactionCurrencyColumns.isoCode, 'nvarchar'],
    ['currencysymbol', 'nvarchar'],
    ['exchangerate', 'decimal'],
    ['currencyprecision', 'int'],
  ],
);

const businessunit = table(
  'businessunit',
  'businessunits',
  'name',
  [
    ['name', 'nvarchar'],
    ['parentbusinessunitid', 'lookup', { targets: ['businessunit'] }],
  ],
  { stateful: false },
);

/**
 * Security roles; `privileges` is the simulator's store of the role's privileges (never returned).
 * `isinherited` is the role's "Member's privilege inheritance" (role entity reference: 0 Team
 * privileges only, 1 Direct User (Basic) access level and Team privileges, the default since 2019).
 */
const role = table(
  'role',
  'roles',
  'name',
  [
    ['name', 'nvarchar'],
    ['businessunitid', 'lookup', { targets: ['businessunit'] }],
    ['privileges', 'ntext', { readable: false }],
    [
      'isinherited',
      'picklist',
      {
        options: opts(
          [0, 'Team privileges only'],
          [1, 'Direct User (Basic) access level and Team privileges'],
        ),
      },
    ],
  ],
  { isSystem: true, stateful: false },
);

/**
 * Teams (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/team):
 * business-owned, in one business unit; `teamtype` 0 Owner, 1 Access, 2 AAD Security Group, 3 AAD
 * Office Group; a group team carries its Entra group's object id.
 */
const team = table(
  'team',
  'teams',
  'name',
  [
    ['name', 'nvarchar', { requiredLevel: 'required', maxLength: 160 }],
    ['description', 'ntext'],
    [
      'teamtype',
      'picklist',
      { options: opts([0, 'Owner'], [1, 'Access'], [2, 'AAD Security Group'], [3, 'AAD Office Group']) },
    ],
    ['azureactivedirectoryobjectid', 'uniqueidentifier'],
    ['businessunitid', 'lookup', { targets: ['businessunit'] }],
    ['administratorid', 'lookup', { targets: ['systemuser'] }],
    ['isdefault', 'bit'],
  ],
  { isSystem: true, stateful: false },
);

/** Intersect tables of the team's N:N relationships (team entity reference, Many-To-Many). */
const intersect = (
  logicalName: string,
  entitySetName: string,
  primaryId: string,
  columns: string[],
): TableDef =>
  table(
    logicalName,
    entitySetName,
    primaryId,
    columns.map((c): ColumnSpec => [c, 'uniqueidentifier']),
    { isSystem: true, stateful: false, primaryId },
  );
const teamroles = intersect('teamroles', 'teamrolescollection', 'teamroleid', ['teamid', 'roleid']);
const teammembership = intersect('teammembership', 'teammemberships', 'teammembershipid', [
  'teamid',
  'systemuserid',
]);
const teamprofiles = intersect('teamprofiles', 'teamprofilescollection', 'teamprofileid', [
  'teamid',
  'fieldsecurityprofileid',
]);

/** The intersect table of the systemuser ↔ role N:N relationship `systemuserroles_association`. */
const systemuserroles = table(
  'systemuserroles',
  'systemuserrolescollection',
  'systemuserroleid',
  [
    ['systemuserid', 'uniqueidentifier'],
    ['roleid', 'uniqueidentifier'],
  ],
  { isSystem: true, stateful: false, primaryId: 'systemuserroleid' },
);

const system = { isSystem: true } as const;

const serviceendpoint = table(
  'serviceendpoint',
  'serviceendpoints',
  'name',
  [
    ['name', 'nvarchar'],
    ['description', 'ntext'],
    [
      'contract',
      'picklist',
      {
        options: opts(
          [1, 'OneWay'],
          [2, 'Queue'],
          [3, 'Rest'],
          [4, 'TwoWay'],
          [5, 'Topic'],
          [7, 'EventHub'],
          [8, 'Webhook'],
          [9, 'EventGrid'],
        ),
      },
    ],
    ['url', 'nvarchar'],
    [
      'authtype',
      'picklist',
      {
        options: opts(
          [1, 'ACS'],
          [2, 'SASKey'],
          [3, 'SASToken'],
          [4, 'WebhookKey'],
          [5, 'HttpHeader'],
          [6, 'HttpQueryString'],
        ),
      },
    ],
    // Write-only, like the platform (IsValidForRead false).
    ['authvalue', 'ntext', { readable: false }],
    ['messageformat', 'picklist', { options: opts([1, 'BinaryXML'], [2, 'Json'], [3, 'TextXML']) }],
    ['userclaim', 'picklist', { options: opts([1, 'None'], [2, 'UserId'], [3, 'UserInfo']) }],
    ['connectionmode', 'picklist', { options: opts([1, 'Normal'], [2, 'Federated']) }],
    ['namespaceaddress', 'nvarchar'],
    ['path', 'nvarchar'],
    ['solutionnamespace', 'nvarchar'],
  ],
  { ...system, stateful: false },
);

const sdkmessage = table(
  'sdkmessage',
  'sdkmessages',
  'name',
  [
    ['name', 'nvarchar'],
    ['categoryname', 'nvarchar'],
    ['isprivate', 'bit'],
  ],
  { ...system, stateful: false },
);

const sdkmessagefilter = table(
  'sdkmessagefilter',
  'sdkmessagefilters',
  'name',
  [
    ['name', 'nvarchar'],
    ['sdkmessageid', 'lookup', { targets: ['sdkmessage'] }],
    ['primaryobjecttypecode', 'nvarchar'],
    ['secondaryobjecttypecode', 'nvarchar'],
    ['iscustomprocessingstepallowed', 'bit'],
  ],
  { ...system, stateful: false },
);

const sdkmessageprocessingstep = table(
  'sdkmessageprocessingstep',
  'sdkmessageprocessingsteps',
  'name',
  [
    ['name', 'nvarchar'],
    ['description', 'ntext'],
    [
      'stage',
      'picklist',
      {
        options: opts(
          [10, 'Pre-validation'],
          [20, 'Pre-operation'],
          [30, 'Main Operation'],
          [40, 'Post-operation'],
        ),
      },
    ],
    ['mode', 'picklist', { options: opts([0, 'Synchronous'], [1, 'Asynchronous']) }],
    ['rank', 'int'],
    [
      'supporteddeployment',
      'picklist',
      {
        options: opts([0, 'Server Only'], [1, 'Microsoft Dynamics 365 Client for Outlook Only'], [2, 'Both']),
      },
    ],
    ['invocationsource', 'picklist', { options: opts([-1, 'Internal'], [0, 'Parent'], [1, 'Child']) }],
    ['asyncautodelete', 'bit'],
    ['filteringattributes', 'nvarchar'],
    ['configuration', 'ntext'],
    ['sdkmessageid', 'lookup', { targets: ['sdkmessage'] }],
    ['sdkmessagefilterid', 'lookup', { targets: ['sdkmessagefilter'] }],
    ['eventhandler', 'lookup', { targets: ['serviceendpoint'] }],
    ['statecode', 'state', { options: opts([0, 'Enabled'], [1, 'Disabled']) }],
    ['statuscode', 'status', { options: opts([1, 'Enabled', 0], [2, 'Disabled', 1]) }],
  ],
  system,
);

const sdkmessageprocessingstepimage = table(
  'sdkmessageprocessingstepimage',
  'sdkmessageprocessingstepimages',
  'name',
  [
    ['name', 'nvarchar'],
    ['entityalias', 'nvarchar'],
    ['imagetype', 'picklist', { options: opts([0, 'PreImage'], [1, 'PostImage'], [2, 'Both']) }],
    ['messagepropertyname', 'nvarchar'],
    ['attributes', 'nvarchar'],
    ['sdkmessageprocessingstepid', 'lookup', { targets: ['sdkmessageprocessingstep'] }],
  ],
  { ...system, stateful: false },
);

const environmentvariabledefinition = table(
  'environmentvariabledefinition',
  'environmentvariabledefinitions',
  'schemaname',
  [
    ['schemaname', 'nvarchar'],
    ['displayname', 'nvarchar'],
    ['description', 'ntext'],
    [
      'type',
      'picklist',
      {
        options: opts(
          [100000000, 'String'],
          [100000001, 'Number'],
          [100000002, 'Boolean'],
          [100000003, 'JSON'],
          [100000004, 'Data source'],
          [100000005, 'Secret'],
        ),
      },
    ],
    ['defaultvalue', 'ntext'],
    ['isrequired', 'bit'],
  ],
  { ...system, userOwned: true },
);

const environmentvariablevalue = table(
  'environmentvariablevalue',
  'environmentvariablevalues',
  'schemaname',
  [
    ['schemaname', 'nvarchar'],
    ['value', 'ntext'],
    ['environmentvariabledefinitionid', 'lookup', { targets: ['environmentvariabledefinition'] }],
  ],
  { ...system, userOwned: true },
);

const systemform = table(
  'systemform',
  'systemforms',
  'name',
  [
    ['name', 'nvarchar'],
    ['description', 'ntext'],
    ['objecttypecode', 'nvarchar'],
    [
      'type',
      'picklist',
      { options: opts([2, 'Main'], [6, 'Quick View Form'], [7, 'Quick Create'], [11, 'Card']) },
    ],
    ['formxml', 'ntext'],
    ['formactivationstate', 'picklist', { options: opts([0, 'Inactive'], [1, 'Active']) }],
    ['formpresentation', 'int'],
    ['isdefault', 'bit'],
    ['iscustomizable', 'bit'],
  ],
  { ...system, stateful: false, primaryId: 'formid' },
);

/** Field security profiles (https://learn.microsoft.com/power-platform/admin/field-level-security). */
const fieldsecurityprofile = table(
  'fieldsecurityprofile',
  'fieldsecurityprofiles',
  'name',
  [
    ['name', 'nvarchar'],
    ['description', 'ntext'],
  ],
  { ...system, stateful: false },
);

const opportunityclose = table(
  'opportunityclose',
  'opportunitycloses',
  'subject',
  [
    ['subject', 'nvarchar'],
    ['description', 'ntext'],
    ['actualrevenue', 'money'],
    ['actualend', 'datetime'],
    ['opportunityid', 'lookup', { targets: [Tables.opportunity] }],
    // OpportunityClose entity reference: Open / Completed / Canceled.
    ['statecode', 'state', { options: opts([0, 'Open'], [1, 'Completed'], [2, 'Canceled']) }],
    ['statuscode', 'status', { options: opts([1, 'Open', 0], [2, 'Completed', 1], [3, 'Canceled', 2]) }],
  ],
  { userOwned: true, primaryId: 'activityid' },
);

const solution = table(
  'solution',
  'solutions',
  'friendlyname',
  [
    ['uniquename', 'nvarchar'],
    ['friendlyname', 'nvarchar'],
    ['version', 'nvarchar'],
    ['ismanaged', 'bit'],
  ],
  { ...system, stateful: false },
);

/**
 * System jobs of asynchronous steps (asynchronous-service.md): state/status pairs 0/0 Ready–Waiting
 * For Resources, 1/10 Suspended–Waiting (with `postponeuntil`), 2/20 Locked–In Progress, 3/30
 * Succeeded, 3/31 Failed, 3/32 Canceled. `data` holds what a retry re-sends and is never returned.
 */
const asyncoperation = table(
  'asyncoperation',
  'asyncoperations',
  'name',
  [
    ['name', 'nvarchar'],
    ['operationtype', 'picklist', { options: opts([1, 'System Event']) }],
    ['messagename', 'nvarchar'],
    ['primaryentitytype', 'nvarchar'],
    ['correlationid', 'uniqueidentifier'],
    ['depth', 'int'],
    ['startedon', 'datetime'],
    ['completedon', 'datetime'],
    ['postponeuntil', 'datetime'],
    ['retrycount', 'int'],
    ['errorcode', 'int'],
    ['message', 'ntext'],
    ['friendlymessage', 'ntext'],
    ['owningextensionid', 'lookup', { targets: ['sdkmessageprocessingstep'] }],
    ['data', 'ntext', { readable: false }],
    [
      'statecode',
      'state',
      { options: opts([0, 'Ready'], [1, 'Suspended'], [2, 'Locked'], [3, 'Completed']) },
    ],
    [
      'statuscode',
      'status',
      {
        options: opts(
          [0, 'Waiting For Resources', 0],
          [10, 'Waiting', 1],
          [20, 'In Progress', 2],
          [21, 'Pausing', 2],
          [22, 'Canceling', 2],
          [30, 'Succeeded', 3],
          [31, 'Failed', 3],
          [32, 'Canceled', 3],
        ),
      },
    ],
  ],
  system,
);

const tables: TableDef[] = [
  opportunity,
  account,
  contact,
  lead,
  systemuser,
  transactioncurrency,
  businessunit,
  serviceendpoint,
  sdkmessage,
  sdkmessagefilter,
  sdkmessageprocessingstep,
  sdkmessageprocessingstepimage,
  environmentvariabledefinition,
  environmentvariablevalue,
  systemform,
  fieldsecurityprofile,
  opportunityclose,
  solution,
  asyncoperation,
  role,
  systemuserroles,
  team,
  teamroles,
  teammembership,
  teamprofiles,
];

const relationships: RelationshipDef[] = [
  ...tables.flatMap(auditRelationships),
  rel('opportunity_parent_account', Tables.opportunity, O.parentAccount, Tables.account),
  rel('opportunity_parent_contact', Tables.opportunity, O.parentContact, Tables.contact),
  rel(
    'transactioncurrency_opportunity',
    Tables.opportunity,
    O.transactionCurrency,
    Tables.transactioncurrency,
  ),
  rel(
    'opportunity_customer_accounts',
    Tables.opportunity,
    'customerid',
    Tables.account,
    'customerid_account',
  ),
  rel(
    'opportunity_customer_contacts',
    Tables.opportunity,
    'customerid',
    Tables.contact,
    'customerid_contact',
  ),
  rel('opportunity_originating_lead', Tables.opportunity, 'originatingleadid', Tables.lead),
  rel('account_primary_contact', Tables.account, 'primarycontactid', Tables.contact),
  rel('account_originating_lead', Tables.account, 'originatingleadid', Tables.lead),
  rel('contact_originating_lead', Tables.contact, 'originatingleadid', Tables.lead),
  rel(
    'contact_customer_accounts',
    Tables.contact,
    ContactColumns.parentCustomer,
    Tables.account,
    'parentcustomerid_account',
  ),
  rel(
    'contact_customer_contacts',
    Tables.contact,
    ContactColumns.parentCustomer,
    Tables.contact,
    'parentcustomerid_contact',
  ),
  rel('lead_parent_account', Tables.lead, 'parentaccountid', Tables.account),
  rel('lead_parent_contact', Tables.lead, 'parentcontactid', Tables.contact),
  rel('transactioncurrency_lead', Tables.lead, 'transactioncurrencyid', Tables.transactioncurrency),
  rel('lead_qualifying_opportunity', Tables.lead, 'qualifyingopportunityid', Tables.opportunity),
  rel('business_unit_system_users', Tables.systemuser, 'businessunitid', 'businessunit'),
  rel('business_unit_parent_business_unit', 'businessunit', 'parentbusinessunitid', 'businessunit'),
  rel('business_unit_roles', 'role', 'businessunitid', 'businessunit'),
  rel('business_unit_teams', 'team', 'businessunitid', 'businessunit'),
  rel('lk_teambase_administratorid', 'team', 'administratorid', Tables.systemuser),
  rel('sdkmessageid_sdkmessagefilter', 'sdkmessagefilter', 'sdkmessageid', 'sdkmessage'),
  rel('sdkmessageid_sdkmessageprocessingstep', 'sdkmessageprocessingstep', 'sdkmessageid', 'sdkmessage'),
  rel(
    'sdkmessagefilterid_sdkmessageprocessingstep',
    'sdkmessageprocessingstep',
    'sdkmessagefilterid',
    'sdkmessagefilter',
  ),
  rel(
    'serviceendpoint_sdkmessageprocessingstep',
    'sdkmessageprocessingstep',
    'eventhandler',
    'serviceendpoint',
    'eventhandler_serviceendpoint',
  ),
  rel(
    'sdkmessageprocessingstepid_sdkmessageprocessingstepimage',
    'sdkmessageprocessingstepimage',
    'sdkmessageprocessingstepid',
    'sdkmessageprocessingstep',
  ),
  // The single-valued navigation really is PascalCase on the value table.
  rel(
    'environmentvariabledefinition_environmentvariablevalue',
    'environmentvariablevalue',
    'environmentvariabledefinitionid',
    'environmentvariabledefinition',
    'EnvironmentVariableDefinitionId',
  ),
  rel('Opportunity_OpportunityClose', 'opportunityclose', 'opportunityid', Tables.opportunity),
  rel(
    'SdkMessageProcessingStep_AsyncOperations',
    'asyncoperation',
    'owningextensionid',
    'sdkmessageprocessingstep',
    'owningextensionid_sdkmessageprocessingstep',
  ),
];

export function baseSchema(): SchemaSnapshot {
  return structuredClone({ tables, relationships });
}

/** Platform message ids are identical in every org; the ones Microsoft documents are used here.
 *  Win/Lose/QualifyLead ids were not found in a public source: the simulator's own, stable ids. */
export const SdkMessageIds = {
  Create: '9ebdbb1b-ea3e-db11-86a7-000a3a5473e8',
  Update: '20bebb1b-ea3e-db11-86a7-000a3a5473e8',
  Delete: 'a1bdbb1b-ea3e-db11-86a7-000a3a5473e8',
  Assign: '8cbdbb1b-ea3e-db11-86a7-000a3a5473e8',
  SetState: '1cbebb1b-ea3e-db11-86a7-000a3a5473e8',
  Retrieve: 'f2bdbb1b-ea3e-db11-86a7-000a3a5473e8',
  RetrieveMultiple: '03bebb1b-ea3e-db11-86a7-000a3a5473e8',
  Win: '5c0b6a1e-7b1f-4c34-9a0a-3e9a1d0c0001',
  Lose: '5c0b6a1e-7b1f-4c34-9a0a-3e9a1d0c0002',
  QualifyLead: '5c0b6a1e-7b1f-4c34-9a0a-3e9a1d0c0003',
} as const;
export type SdkMessageName = keyof typeof SdkMessageIds;

/** Messages that can be filtered per table, and the tables they apply to (undefined = every table). */
export const FilterableMessages: Record<SdkMessageName, string[] | undefined> = {
  Create: undefined,
  Update: undefined,
  Delete: undefined,
  Assign: undefined,
  SetState: undefined,
  Retrieve: undefined,
  RetrieveMultiple: undefined,
  Win: [Tables.opportunity],
  Lose: [Tables.opportunity],
  QualifyLead: [Tables.lead],
};
