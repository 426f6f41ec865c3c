/**
 * The Sales messages the product calls: WinOpportunity / LoseOpportunity (unbound) and QualifyLead
 * (bound to a lead), with the rows, state changes and events Dataverse produces. Sources (README,
 * "Sales messages"):
 *
 * - Parameters and their nullability: Web API reference of WinOpportunity (mt607971), LoseOpportunity
 *   (mt607618) and QualifyLead (mt491164), https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/.
 * - `Status: -1` = the state's default status: LoseOpportunityRequest.Status remarks (gg332329).
 * - The opportunityclose row is "created automatically when an opportunity is closed" and is Completed
 *   ("By default, opportunity close activities are completed unless the opportunity is reactivated"):
 *   OpportunityClose entity reference. Opportunity states and status reasons, and actualvalue
 *   ("defaults to the Est. Revenue value when an opportunity is won"): Opportunity entity reference
 *   (MicrosoftDocs/dynamics-365-customer-engagement ce/developer/entities/).
 * - QualifyLead "create[s] account, contact, and opportunity records that are linked to the originating
 *   lead record"; with CreateAccount and CreateContact "the created account becomes a parent
 *   (Contact.Parentcustomerid) of the contact": QualifyLeadRequest (dataverse-sdk reference). Lead
 *   fields mapped on qualification — opportunity Topic, Contact, Account: "Define the lead qualification
 *   experience" (Dynamics 365 Sales docs). Order — created records first, then the lead is deactivated
 *   (updated): Microsoft KB 2693711. Returns Collection(crmbaseentity).
 *
 * Assumptions (no Microsoft source found): the account takes its name from the lead's company name
 * and is only created when there is one; the contact takes first/last name, e-mail and phone and
 * becomes the created account's primary contact (the documented sentence is cut off in every stored
 * copy after "and the conta…"); the
 * opportunity Update event fired alongside Win/Lose (community emulators report it); the order of the
 * opportunityclose Create, opportunity Update and Win/Lose events.
 */
import type { Clock } from '../../../Relay/ports';
import { badRequest, DataverseError, ErrorCodes, notFound } from './errors';
import type { MetadataStore, TableDef } from './metadata';
import type { OrganizationService, WriteScope } from './organizationService';
import { encodeEntity, entityReference, optionSetValue } from './remoteExecutionContext';
import type { KeyValue } from './remoteExecutionContext';
import { isLookupValue } from './store';
import type { LookupValue, RecordStore, Row } from './store';
import { bodyToRow } from './values';

export interface SalesDeps {
  metadata: MetadataStore;
  service: OrganizationService;
  store: RecordStore;
  clock: Clock;
}

/** opportunityclose: statecode 1 Completed, statuscode 2 Completed. */
const CLOSE_COMPLETED = { statecode: 1, statuscode: 2 } as const;

function requireRow(deps: SalesDeps, table: TableDef, id: string): Row {
  const row = deps.store.get(table.logicalName, id);
  if (!row) throw notFound(table.logicalName, id);
  return row;
}

/** Status (an Int32 parameter that may not be null) checked against the state the message sets. */
function statusFor(table: TableDef, state: number, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw badRequest('The Status parameter is required (Edm.Int32, not nullable).');
  const options = table.attributes.statuscode?.options ?? [];
  if (value === -1) {
    const first = options.find((o) => o.state === state);
    if (first) return first.value;
  }
  const option = options.find((o) => o.value === value);
  if (!option || option.state !== state)
    throw new DataverseError(
      400,
      ErrorCodes.optionOutOfRange,
      `${value} is not a valid status code for state code ${state} of ${table.logicalName}`,
    );
  return value;
}

/** WinOpportunity / LoseOpportunity: opportunityclose activity + state change + Update and Win/Lose events. */
export async function closeOpportunity(
  deps: SalesDeps,
  win: boolean,
  body: Record<string, unknown>,
  scope: WriteScope,
): Promise<void> {
  const { metadata, service } = deps;
  const closeTable = metadata.requireTable('opportunityclose');
  const opportunityTable = metadata.requireTable('opportunity');
  const close = body.OpportunityClose;
  if (!close || typeof close !== 'object' || Array.isArray(close))
    throw badRequest('The OpportunityClose parameter is required (opportunityclose, not nullable).');
  const closeRow = bodyToRow(metadata, closeTable, close as Record<string, unknown>);
  const ref = closeRow.opportunityid;
  if (!isLookupValue(ref)) throw badRequest('OpportunityClose must bind opportunityid');
  const before = requireRow(deps, opportunityTable, ref.id);
  if (before.statecode !== 0) throw badRequest('The opportunity is already closed.');
  const state = win ? 1 : 2;
  const status = statusFor(opportunityTable, state, body.Status);
  const created = await service.create(closeTable, { ...closeRow, ...CLOSE_COMPLETED }, scope);
  const changes: Row = {
    statecode: state,
    statuscode: status,
    actualclosedate: (closeRow.actualend as string | undefined) ?? deps.clock.now().toISOString(),
  };
  if (typeof closeRow.actualrevenue === 'number') changes.actualvalue = closeRow.actualrevenue;
  else if (win && typeof before.estimatedvalue === 'number') changes.actualvalue = before.estimatedvalue;
  await service.update(opportunityTable, ref.id, changes, scope);
  await service.raiseMessage(win ? 'Win' : 'Lose', opportunityTable, ref.id, scope, before, [
    {
      key: 'OpportunityClose',
      value: encodeEntity(closeTable, String(created.activityid), closeRow, null, true),
    },
    { key: 'Status', value: optionSetValue(status) },
  ]);
}

/** `{ accountid: …, '@odata.type': 'Microsoft.Dynamics.CRM.account' }` → a reference to an existing row. */
function entityParameter(
  deps: SalesDeps,
  name: string,
  value: unknown,
  targets: readonly string[],
): LookupValue | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${name} must be an entity`);
  const entity = value as Record<string, unknown>;
  const type = String(entity['@odata.type'] ?? '').replace(/^#?Microsoft\.Dynamics\.CRM\./, '');
  const logicalName = targets.find((t) => t === type || typeof entity[`${t}id`] === 'string');
  const id = logicalName ? entity[`${logicalName}id`] : undefined;
  if (!logicalName || typeof id !== 'string')
    throw badRequest(`${name} must be one of ${targets.join(', ')} with its id and @odata.type`);
  const reference = { id: id.toLowerCase(), logicalName };
  requireRow(deps, deps.metadata.requireTable(logicalName), reference.id);
  return reference;
}

const text = (row: Row, column: string): string | null =>
  typeof row[column] === 'string' && (row[column] as string).trim() ? (row[column] as string) : null;
const lookupOf = (row: Row, column: string): LookupValue | null =>
  isLookupValue(row[column]) ? (row[column] as LookupValue) : null;

/** QualifyLead: the records asked for, linked to each other and to the lead; the lead qualified. */
export async function qualifyLead(
  deps: SalesDeps,
  leadTable: TableDef,
  leadId: string,
  body: Record<string, unknown>,
  scope: WriteScope,
): Promise<Array<Record<string, unknown>>> {
  const { metadata, service } = deps;
  for (const flag of ['CreateAccount', 'CreateContact', 'CreateOpportunity'])
    if (typeof body[flag] !== 'boolean')
      throw badRequest(`The ${flag} parameter is required (Edm.Boolean, not nullable).`);
  const lead = requireRow(deps, leadTable, leadId);
  if (lead.statecode !== 0) throw badRequest('The lead is already closed.');
  const status = statusFor(leadTable, 1, body.Status);
  const customer = entityParameter(deps, 'OpportunityCustomerId', body.OpportunityCustomerId, [
    'account',
    'contact',
  ]);
  const currency = entityParameter(deps, 'OpportunityCurrencyId', body.OpportunityCurrencyId, [
    'transactioncurrency',
  ]);
  const fromLead = { id: leadId, logicalName: 'lead' };
  const created: Array<Record<string, unknown>> = [];
  const note = (logicalName: string, row: Row) =>
    created.push({
      '@odata.type': `#Microsoft.Dynamics.CRM.${logicalName}`,
      [`${logicalName}id`]: row[`${logicalName}id`],
    });

  let account = customer?.logicalName === 'account' ? customer : lookupOf(lead, 'parentaccountid');
  let createdAccount: Row | null = null;
  if (body.CreateAccount === true && text(lead, 'companyname')) {
    createdAccount = await service.create(
      metadata.requireTable('account'),
      { name: text(lead, 'companyname'), originatingleadid: fromLead },
      scope,
    );
    account = { id: String(createdAccount.accountid), logicalName: 'account' };
    note('account', createdAccount);
  }
  let contact = customer?.logicalName === 'contact' ? customer : lookupOf(lead, 'parentcontactid');
  if (body.CreateContact === true) {
    const row = await service.create(
      metadata.requireTable('contact'),
      {
        firstname: text(lead, 'firstname'),
        lastname: text(lead, 'lastname'),
        emailaddress1: text(lead, 'emailaddress1'),
        telephone1: text(lead, 'telephone1'),
        originatingleadid: fromLead,
        ...(createdAccount ? { parentcustomerid: account } : {}),
      },
      scope,
    );
    contact = { id: String(row.contactid), logicalName: 'contact' };
    note('contact', row);
    if (createdAccount)
      await service.update(
        metadata.requireTable('account'),
        account!.id,
        { primarycontactid: contact },
        scope,
      );
  }
  let opportunity: LookupValue | null = null;
  if (body.CreateOpportunity === true) {
    const row = await service.create(
      metadata.requireTable('opportunity'),
      {
        name: text(lead, 'subject') ?? text(lead, 'fullname') ?? 'Qualified lead',
        originatingleadid: fromLead,
        parentaccountid: account,
        parentcontactid: contact,
        customerid: customer ?? account ?? contact,
        transactioncurrencyid: currency ?? lookupOf(lead, 'transactioncurrencyid'),
      },
      scope,
    );
    opportunity = { id: String(row.opportunityid), logicalName: 'opportunity' };
    note('opportunity', row);
  }
  await service.update(
    leadTable,
    leadId,
    { statecode: 1, statuscode: status, ...(opportunity ? { qualifyingopportunityid: opportunity } : {}) },
    scope,
  );
  const inputs: KeyValue[] = [
    { key: 'LeadId', value: entityReference(fromLead) },
    { key: 'CreateAccount', value: body.CreateAccount },
    { key: 'CreateContact', value: body.CreateContact },
    { key: 'CreateOpportunity', value: body.CreateOpportunity },
    { key: 'Status', value: optionSetValue(status) },
  ];
  await service.raiseMessage('QualifyLead', leadTable, leadId, scope, lead, inputs);
  return created;
}
