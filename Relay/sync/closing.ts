/**
 * Partner Center → Dynamics 365 closing. A referral won or lost by the partner in the portal, declined,
 * or expired (Partner Center's terminal substatuses) closes its record the way Dynamics closes one:
 * an opportunity through WinOpportunity / LoseOpportunity with an opportunityclose activity carrying
 * the reason, a lead by disqualifying it. Whether Microsoft's own connector does this is undocumented:
 * this is our design (docs/inbound-referrals.md), switched off with pcs_CloseOpportunityFromPartnerCenter.
 *
 * | Partner Center    | opportunity                      | open lead                    |
 * | ----------------- | -------------------------------- | ---------------------------- |
 * | Closed / Won      | WinOpportunity, 3 Won            | — (accepted leads convert first) |
 * | Closed / Lost     | LoseOpportunity, 5 Out-Sold      | disqualified, 4 Lost         |
 * | Closed / Declined | LoseOpportunity, 4 Canceled      | disqualified, 7 Canceled     |
 * | Closed / Expired  | LoseOpportunity, 4 Canceled      | disqualified, 7 Canceled     |
 *
 * Echo-safe: the platform's Win / Lose / lead Update steps carry the relay's own user and are skipped
 * (Plugins/handlers.ts); were one to arrive anyway, the push finds the referral Closed and sends nothing.
 * Each closed referral is handled once (a marker in the store): a seller who reopens the record later
 * keeps it open.
 */
import {
  EntitySets,
  EnvironmentVariables,
  LeadState,
  LeadStatus,
  OpportunityCloseColumns,
  OpportunityCloseMessage,
  OpportunityColumns,
  OpportunityState,
  SalesActions,
} from '../../Domain/constants';
import { parseYesNo } from '../../Domain/environmentVariables';
import { toIsoUtc } from '../../Domain/mapping';
import type { MessageLcid } from '../../Domain/messages';
import type { DataverseRecord } from '../../Domain/opportunity';
import type { Referral } from '../../Domain/referral';
import type { BatchOperation } from '../ports';
import type { JobContext, SyncDeps } from './deps';
import { ownerLanguage } from './language';
import { inboundText } from './messages';
import type { InboundText } from './messages';
import type { SyncSettings } from './settings';
import { auditLine, prependAudit, syncEventOperation } from './writeBack';

export const CLOSED_SUBSTATUSES = ['Won', 'Lost', 'Declined', 'Expired'] as const;
export type ClosedSubstatus = (typeof CLOSED_SUBSTATUSES)[number];

export type ClosingPlan =
  | { action: 'none' }
  | { action: 'win'; status: typeof OpportunityState.statusWon }
  | {
      action: 'lose';
      status: typeof OpportunityState.statusCanceled | typeof OpportunityState.statusOutSold;
    }
  | { action: 'disqualify'; status: typeof LeadStatus.lost | typeof LeadStatus.canceled }
  /** The policy keeps records open: only the status columns changed; say so once. */
  | { action: 'keepOpen' }
  /** The record is no longer open in Dynamics 365 (closed, qualified or disqualified there). */
  | { action: 'alreadyClosed' };

export interface ClosingTarget {
  table: 'opportunity' | 'lead';
  recordId: string;
  /** statecode as read (0 = open). */
  stateCode: number;
}

/** The terminal substatus of a closed referral, or null while it is open. */
export function closedSubstatus(referral: Referral): ClosedSubstatus | null {
  if (referral.status !== 'Closed') return null;
  return (CLOSED_SUBSTATUSES as readonly string[]).includes(String(referral.substatus))
    ? (referral.substatus as ClosedSubstatus)
    : null;
}

/** pcs_CloseOpportunityFromPartnerCenter: yes (default) closes records; no keeps them open. */
export async function closeRecordsFromPartnerCenter(settings: SyncSettings): Promise<boolean> {
  return parseYesNo(await settings.variable(EnvironmentVariables.closeOpportunityFromPartnerCenter)) ?? true;
}

/** What a closed referral means for its record. `handled`: this substatus was dealt with before. */
export function planClosing(
  referral: Referral,
  target: ClosingTarget,
  options: { closeRecords: boolean; handled: boolean },
): ClosingPlan {
  const substatus = closedSubstatus(referral);
  if (!substatus || options.handled) return { action: 'none' };
  if (target.stateCode !== OpportunityState.open) return { action: 'alreadyClosed' };
  if (!options.closeRecords) return { action: 'keepOpen' };
  if (target.table === 'lead') {
    // A won referral was accepted first, and accepted leads are converted before closing runs.
    if (substatus === 'Won') return { action: 'none' };
    return { action: 'disqualify', status: substatus === 'Lost' ? LeadStatus.lost : LeadStatus.canceled };
  }
  if (substatus === 'Won') return { action: 'win', status: OpportunityState.statusWon };
  // Lost after being worked on: someone else sold. Declined / expired: never pursued.
  return {
    action: 'lose',
    status: substatus === 'Lost' ? OpportunityState.statusOutSold : OpportunityState.statusCanceled,
  };
}

const SUBJECTS: Record<ClosedSubstatus, InboundText> = {
  Won: 'closeWon',
  Lost: 'closeLost',
  Declined: 'closeDeclined',
  Expired: 'closeExpired',
};
const SUBSTATUS_WORDS: Record<ClosedSubstatus, InboundText> = {
  Won: 'substatusWon',
  Lost: 'substatusLost',
  Declined: 'substatusDeclined',
  Expired: 'substatusExpired',
};

/** opportunityclose.description is a 2,000-character memo. */
const DESCRIPTION_MAX = 2000;

/** The WinOpportunity / LoseOpportunity body: the opportunityclose activity and the status reason. */
export function closeParameters(
  referral: Referral,
  opportunityId: string,
  status: number,
  lcid: MessageLcid,
  now: Date,
): Record<string, unknown> {
  const substatus = closedSubstatus(referral) ?? 'Lost';
  const close: DataverseRecord = {
    [OpportunityCloseColumns.subject]: inboundText(SUBJECTS[substatus], lcid),
    [OpportunityCloseColumns.actualEnd]:
      toIsoUtc(referral.closedDateTime ?? referral.updatedDateTime) ?? toIsoUtc(now.toISOString()),
    [`${OpportunityCloseColumns.opportunityNavigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
  };
  const reason = referral.statusReason?.trim();
  if (reason) close[OpportunityCloseColumns.description] = reason.slice(0, DESCRIPTION_MAX);
  const dealValue = referral.details?.dealValue;
  if (substatus === 'Won' && typeof dealValue === 'number')
    close[OpportunityCloseColumns.actualRevenue] = dealValue;
  return {
    [OpportunityCloseMessage.closeParameter]: close,
    [OpportunityCloseMessage.statusParameter]: status,
  };
}

/** Store key marking a closed referral as handled (its substatus). */
export const closingKey = (referralId: string) => `closing:${referralId.toLowerCase()}`;

/**
 * Close (or note) the referral's record after the pull wrote its columns. Returns what was done.
 * The platform action runs before the audit line: a failure leaves no "closed" line on an open record,
 * and the job's retry closes it then.
 */
export async function applyClosing(
  deps: SyncDeps,
  context: JobContext,
  referral: Referral & { id: string },
  target: ClosingTarget,
): Promise<ClosingPlan['action']> {
  const substatus = closedSubstatus(referral);
  if (!substatus) return 'none';
  const handled = (await deps.store.getState(closingKey(referral.id))) === substatus;
  const closeRecords = await closeRecordsFromPartnerCenter(deps.settings);
  const plan = planClosing(referral, target, { closeRecords, handled });
  if (plan.action === 'none') return 'none';

  const now = deps.clock.now();
  const entitySet = target.table === 'opportunity' ? EntitySets.opportunity : EntitySets.lead;
  const lcid = await ownerLanguage(deps.languages, entitySet, target.recordId);
  const words = { id: referral.id, substatus: inboundText(SUBSTATUS_WORDS[substatus], lcid) };
  const reason = referral.statusReason?.trim();
  const withReason = (text: string) => (reason ? text + inboundText('reason', lcid, { reason }) : text);
  const operations: BatchOperation[] = [];
  let message: string;
  switch (plan.action) {
    case 'win':
    case 'lose':
      await deps.dataverse.executeAction(
        plan.action === 'win' ? SalesActions.winOpportunity : SalesActions.loseOpportunity,
        closeParameters(referral, target.recordId, plan.status, lcid, now),
      );
      message = withReason(inboundText(plan.action === 'win' ? 'closedAsWon' : 'closedAsLost', lcid, words));
      break;
    case 'disqualify':
      operations.push({
        method: 'PATCH',
        entitySet: EntitySets.lead,
        id: target.recordId,
        record: { [LeadState.stateCode]: LeadState.disqualified, [LeadState.statusCode]: plan.status },
      });
      message = withReason(inboundText('leadDisqualified', lcid, words));
      break;
    case 'keepOpen':
      message = withReason(inboundText('keptOpen', lcid, words));
      break;
    case 'alreadyClosed':
      message = withReason(inboundText('alreadyClosed', lcid, words));
      break;
  }
  if (target.table === 'opportunity') {
    // Read the history now: the pull just put its own line on top.
    const row = await deps.dataverse.retrieve(EntitySets.opportunity, target.recordId, {
      select: [OpportunityColumns.audit],
    });
    operations.push({
      method: 'PATCH',
      entitySet: EntitySets.opportunity,
      id: target.recordId,
      record: {
        [OpportunityColumns.audit]: prependAudit(
          row[OpportunityColumns.audit],
          auditLine(now, 'toDataverse', 'succeeded', message),
        ),
      },
    });
  }
  operations.push(
    syncEventOperation({
      table: target.table,
      recordId: target.recordId,
      direction: 'toDataverse',
      outcome: plan.action === 'keepOpen' || plan.action === 'alreadyClosed' ? 'skipped' : 'succeeded',
      title: inboundText(SUBJECTS[substatus], lcid),
      message,
      referralId: referral.id,
      correlationId: context.correlationId,
      occurredOn: now,
      changes: 'status' in plan ? { action: plan.action, statuscode: plan.status } : { action: plan.action },
    }),
  );
  await deps.dataverse.executeBatch(operations);
  await deps.store.setState(closingKey(referral.id), substatus);
  context.logger.info({ referralId: referral.id, recordId: target.recordId, plan }, 'closing from referral');
  return plan.action;
}
