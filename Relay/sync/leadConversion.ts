/**
 * A referral accepted in Partner Center (by the partner in the portal) whose record is still an open
 * lead: the lead is qualified the way a seller qualifies it — Dynamics' QualifyLead with
 * CreateOpportunity, reusing the customer's existing account and contact when they are found (the lead's
 * own Existing Account / Existing Contact, else the referral customer matched by name + postal code and
 * by e-mail), creating them from the lead otherwise. Then the referral moves to the opportunity: its
 * pcs_referralid, sync flag and status columns, and Partner Center's externalReferenceId. The lead keeps
 * its link and status columns as history; its pcs_referralid is cleared so one record holds the referral.
 *
 * Whether Microsoft's connector converts on acceptance is undocumented (docs/inbound-referrals.md). The
 * steps QualifyLead fires (QualifyLead, lead Update, the Creates) carry the relay's user and are skipped.
 */
import {
  AccountColumns,
  EntitySets,
  LeadColumns,
  LeadCustomerColumns,
  LeadState,
  LeadStatus,
  OpportunityColumns,
  OpportunityNavigation,
  QualifyLeadParameters,
  SalesActions,
  SyncStatus,
  TransactionCurrencyColumns,
} from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import { fromReferral, opportunityQuery } from '../../Domain/mapping';
import { lookup, where } from '../../Domain/odataQuery';
import type { DataverseRecord } from '../../Domain/opportunity';
import type { StoredReferral } from '../../Domain/referral';
import type { WebApiRecord } from '../ports';
import { currencyId, findAccount, findContact } from './customerMatch';
import type { JobContext, SyncDeps } from './deps';
import { rememberHeldVersion } from './heldVersion';
import { wasAccepted } from './inboundRouting';
import { ownerLanguage } from './language';
import { inboundText } from './messages';
import { auditLine, referralColumns, syncEventOperation } from './writeBack';

export interface Converted {
  opportunity: WebApiRecord;
  /** The referral as Partner Center has it after the externalReferenceId moved. */
  referral: StoredReferral;
}

const lookupValue = (row: DataverseRecord, column: string): string | null => {
  const value = row[`_${column}_value`];
  return typeof value === 'string' && value ? value : null;
};
const hasText = (row: DataverseRecord, column: string) =>
  typeof row[column] === 'string' && (row[column] as string).trim() !== '';

/** The QualifyLead parameters: create what the customer does not have yet. */
export async function qualifyParameters(
  deps: SyncDeps,
  lead: DataverseRecord,
  referral: StoredReferral,
  map: FieldMap,
): Promise<{ parameters: Record<string, unknown>; contactId: string | null }> {
  const customer = fromReferral(referral, map, { policy: 'opportunity' });
  const accountId =
    lookupValue(lead, LeadCustomerColumns.parentAccount) ?? (await findAccount(deps, customer.account));
  const contactId =
    lookupValue(lead, LeadCustomerColumns.parentContact) ?? (await findContact(deps, customer.contact));
  const currency = await currencyId(deps, customer.currencyIsoCode ?? referral.details?.currency);
  const parameters: Record<string, unknown> = {
    // The platform creates the account from the lead's company name, the contact from its person.
    [QualifyLeadParameters.createAccount]: !accountId && hasText(lead, LeadColumns.companyName),
    [QualifyLeadParameters.createContact]:
      !contactId &&
      [LeadColumns.lastName, LeadColumns.firstName, LeadColumns.email].some((c) => hasText(lead, c)),
    [QualifyLeadParameters.createOpportunity]: true,
    [QualifyLeadParameters.status]: LeadStatus.qualified,
  };
  if (accountId)
    parameters[QualifyLeadParameters.opportunityCustomer] = {
      [AccountColumns.id]: accountId,
      '@odata.type': 'Microsoft.Dynamics.CRM.account',
    };
  if (currency)
    parameters[QualifyLeadParameters.opportunityCurrency] = {
      [TransactionCurrencyColumns.id]: currency,
      '@odata.type': 'Microsoft.Dynamics.CRM.transactioncurrency',
    };
  return { parameters, contactId };
}

/** The opportunity QualifyLead created: from its answer, else by its originating lead. */
async function createdOpportunity(deps: SyncDeps, answer: unknown, leadId: string): Promise<string> {
  const created = (answer as { value?: unknown } | null | undefined)?.value;
  const fromAnswer = Array.isArray(created)
    ? (created as DataverseRecord[]).find((row) => typeof row[OpportunityColumns.id] === 'string')
    : undefined;
  if (fromAnswer) return fromAnswer[OpportunityColumns.id] as string;
  const found = await opportunityOfLead(deps, leadId);
  if (!found) throw new Error(`QualifyLead of lead ${leadId} created no opportunity`);
  return found;
}

/**
 * Convert the lead of an accepted referral and move the referral to the opportunity; null when there is
 * nothing to convert (not accepted yet, lead disqualified). A lead already qualified (a retry after a
 * failure, or a seller faster than the relay) only has the referral moved to its opportunity.
 */
export async function convertAcceptedLead(
  deps: SyncDeps,
  context: JobContext,
  referral: StoredReferral,
  lead: WebApiRecord,
  map: FieldMap,
): Promise<Converted | null> {
  if (!wasAccepted(referral)) return null;
  const leadId = lead[LeadColumns.id] as string;
  const state = (lead[LeadState.stateCode] as number | null | undefined) ?? LeadState.open;
  let opportunityId: string;
  let parentContact: string | null = null;
  let qualified: Record<string, unknown> | null = null;
  if (state === LeadState.open) {
    const { parameters, contactId } = await qualifyParameters(deps, lead, referral, map);
    const answer = await deps.dataverse.executeBoundAction(
      EntitySets.lead,
      leadId,
      SalesActions.qualifyLead,
      parameters,
    );
    opportunityId = await createdOpportunity(deps, answer, leadId);
    // A contact that existed already becomes the customer contact (the platform links the ones it creates).
    if (parameters[QualifyLeadParameters.createContact] === false) parentContact = contactId;
    qualified = parameters;
  } else if (state === LeadState.qualified) {
    const existing = await opportunityOfLead(deps, leadId);
    if (!existing) return null;
    opportunityId = existing;
  } else {
    return null;
  }

  const now = deps.clock.now();
  const lcid = await ownerLanguage(deps.languages, EntitySets.lead, leadId);
  const columns = referralColumns(referral);
  const opportunity: DataverseRecord = {
    ...columns,
    [OpportunityColumns.syncWithPartnerCenter]: true,
    [OpportunityColumns.syncStatus]: SyncStatus.synced,
    [OpportunityColumns.lastSyncedOn]: now.toISOString(),
    [OpportunityColumns.audit]: auditLine(
      now,
      'toDataverse',
      'succeeded',
      inboundText('convertedOpportunity', lcid, { id: referral.id, lead: leadId }),
    ),
  };
  if (parentContact)
    opportunity[`${OpportunityNavigation.parentContact}@odata.bind`] =
      `/${EntitySets.contact}(${parentContact})`;
  const message = inboundText('convertedLead', lcid, { id: referral.id, opportunity: opportunityId });
  // Dataverse first: from here on the opportunity is the referral's record, whatever happens next.
  await deps.dataverse.executeBatch([
    { method: 'PATCH', entitySet: EntitySets.opportunity, id: opportunityId, record: opportunity },
    {
      method: 'PATCH',
      entitySet: EntitySets.lead,
      id: leadId,
      record: {
        [LeadColumns.referralId]: null,
        [LeadColumns.syncWithPartnerCenter]: false,
        [LeadColumns.referralStatus]: columns[OpportunityColumns.referralStatus],
        [LeadColumns.referralSubstatus]: columns[OpportunityColumns.referralSubstatus],
      },
    },
    syncEventOperation({
      table: 'lead',
      recordId: leadId,
      direction: 'toDataverse',
      outcome: 'succeeded',
      title: inboundText('convertedTitle', lcid),
      message,
      referralId: referral.id,
      correlationId: context.correlationId,
      occurredOn: now,
      changes: { qualifyLead: qualified, opportunityId },
    }),
  ]);
  const moved = await moveExternalReference(deps, context, referral, opportunityId);
  context.logger.info({ referralId: referral.id, leadId, opportunityId }, 'converted accepted lead');
  const record = await deps.dataverse.retrieve(EntitySets.opportunity, opportunityId, opportunityQuery(map));
  return { opportunity: record, referral: moved };
}

async function opportunityOfLead(deps: SyncDeps, leadId: string): Promise<string | null> {
  const [row] = await deps.dataverse.retrieveMultiple(EntitySets.opportunity, {
    select: [OpportunityColumns.id],
    filter: where.eq(lookup(LeadState.originatingLead), leadId),
    top: 1,
  });
  return (row?.[OpportunityColumns.id] as string | undefined) ?? null;
}

/**
 * Partner Center's externalReferenceId follows the referral to the opportunity (closed referrals accept
 * no change). Not fatal: the opportunity is found by pcs_referralid; its eTag is remembered as our echo.
 */
async function moveExternalReference(
  deps: SyncDeps,
  context: JobContext,
  referral: StoredReferral,
  opportunityId: string,
): Promise<StoredReferral> {
  if (referral.status === 'Closed' || referral.externalReferenceId === opportunityId) return referral;
  try {
    const moved = await deps.partnerCenter.patchReferral(
      referral.id,
      [{ op: 'replace', path: '/externalReferenceId', value: opportunityId }],
      { ifMatch: referral.eTag, correlationId: context.correlationId },
    );
    await rememberHeldVersion(deps.store, moved);
    return moved;
  } catch (error) {
    context.logger.warn({ err: error, referralId: referral.id }, 'could not move externalReferenceId');
    return referral;
  }
}
