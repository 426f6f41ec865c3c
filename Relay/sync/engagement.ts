/**
 * Microsoft's side of a co-sell deal changed (`related-referral-created` / `-updated`): read
 * Microsoft's referral in the engagement and show on our opportunity who at Microsoft engaged, when,
 * Microsoft's note, status and CRM id — columns a seller sees on the form and filters on, an audit
 * line and one sync event. A webhook that changes none of it (a duplicate, a reordered older one)
 * writes nothing. What is read where: Domain/microsoftEngagement.ts.
 */
import { EntitySets, OpportunityColumns } from '../../Domain/constants';
import { interpolate } from '../../Domain/messages';
import type { MessageLcid } from '../../Domain/messages';
import { engagementColumns, engagementFromMicrosoftReferral } from '../../Domain/microsoftEngagement';
import type { MicrosoftEngagement } from '../../Domain/microsoftEngagement';
import { where } from '../../Domain/odataQuery';
import type { StoredReferral } from '../../Domain/referral';
import { ApiError } from '../ports';
import type { ReferralPullPayload, WebApiRecord } from '../ports';
import type { JobContext, SyncDeps } from './deps';
import { pullReferral, type PullResult } from './fromPartnerCenter';
import { ownerLanguage } from './language';
import { inboundText } from './messages';
import { auditLine, changedColumns, prependAudit, syncEventOperation } from './writeBack';

const MICROSOFT_COLUMNS = [
  OpportunityColumns.microsoftSellerName,
  OpportunityColumns.microsoftSellerEmail,
  OpportunityColumns.microsoftEngagedOn,
  OpportunityColumns.microsoftUpdatedOn,
  OpportunityColumns.microsoftNotes,
  OpportunityColumns.microsoftStatus,
  OpportunityColumns.microsoftCrmId,
];

const TEXTS = {
  seller: {
    1033: ' Microsoft seller: {seller}.',
    1046: ' Vendedor da Microsoft: {seller}.',
    3082: ' Vendedor de Microsoft: {seller}.',
  },
  note: {
    1033: ' Note from Microsoft: “{note}”',
    1046: ' Nota da Microsoft: “{note}”',
    3082: ' Nota de Microsoft: «{note}»',
  },
} satisfies Record<string, Record<MessageLcid, string>>;

/** Partner Center substatus names as the solution's choice labels word them. */
const SUBSTATUS: Record<string, Record<MessageLcid, string>> = {
  Pending: { 1033: 'Pending', 1046: 'Pendente', 3082: 'Pendiente' },
  Received: { 1033: 'Received', 1046: 'Recebida', 3082: 'Recibida' },
  Accepted: { 1033: 'Accepted', 1046: 'Aceita', 3082: 'Aceptada' },
  Won: { 1033: 'Won', 1046: 'Ganha', 3082: 'Ganada' },
  Lost: { 1033: 'Lost', 1046: 'Perdida', 3082: 'Perdida' },
  Declined: { 1033: 'Declined', 1046: 'Recusada', 3082: 'Rechazada' },
  Expired: { 1033: 'Expired', 1046: 'Expirada', 3082: 'Expirada' },
};

/** "Microsoft joined the engagement (Accepted, Microsoft CRM id 7-…). Microsoft seller: …. Note …" */
export function engagementMessage(
  engagement: MicrosoftEngagement,
  joined: boolean,
  lcid: MessageLcid,
): string {
  const status = engagement.substatus
    ? (SUBSTATUS[engagement.substatus]?.[lcid] ?? engagement.substatus)
    : '?';
  const crm = engagement.msxId ? inboundText('microsoftCrmId', lcid, { id: engagement.msxId }) : '';
  const who = [engagement.sellerName, engagement.sellerEmail && `<${engagement.sellerEmail}>`]
    .filter(Boolean)
    .join(' ');
  return [
    `${inboundText(joined ? 'engagementJoined' : 'engagementUpdated', lcid, { status, crm })}.`,
    who ? interpolate(TEXTS.seller[lcid], { seller: who }) : '',
    engagement.notes ? interpolate(TEXTS.note[lcid], { note: engagement.notes }) : '',
  ].join('');
}

function count(deps: SyncDeps, result: PullResult): PullResult {
  deps.metrics?.syncOutcomes.inc({ direction: 'toDataverse', outcome: result.outcome });
  return result;
}

async function opportunityOfEngagement(deps: SyncDeps, engagementId: string): Promise<WebApiRecord | null> {
  const [row] = await deps.dataverse.retrieveMultiple(EntitySets.opportunity, {
    select: [OpportunityColumns.id, OpportunityColumns.audit, ...MICROSOFT_COLUMNS],
    filter: where.eq(OpportunityColumns.engagementId, engagementId),
    top: 1,
  });
  return row ?? null;
}

export async function pullMicrosoftEngagement(
  deps: SyncDeps,
  payload: ReferralPullPayload,
  context: JobContext,
): Promise<PullResult> {
  const correlation = { correlationId: context.correlationId };
  let related: StoredReferral;
  try {
    related = await deps.partnerCenter.getReferral(payload.referralId, correlation);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      return count(deps, { outcome: 'skipped', reason: 'related referral not found' });
    throw error;
  }
  if (!related.engagementId)
    return count(deps, { outcome: 'skipped', reason: 'related referral without engagement' });
  const engagement = engagementFromMicrosoftReferral(related);
  if (!engagement)
    return count(deps, { outcome: 'skipped', reason: 'the related referral is not Microsoft’s' });

  let opportunity = await opportunityOfEngagement(deps, related.engagementId);
  if (!opportunity) {
    // Our own referral may not be linked by engagement yet: pull it first, then look again.
    const ours = (
      await deps.partnerCenter.listReferrals(
        { filter: where.eq('engagementId', related.engagementId) },
        correlation,
      )
    ).filter((r) => r.id !== related.id);
    for (const referral of ours)
      await pullReferral(deps, { referralId: referral.id, eventName: payload.eventName }, context);
    opportunity = await opportunityOfEngagement(deps, related.engagementId);
    if (!opportunity)
      return count(deps, { outcome: 'skipped', reason: 'no opportunity for this engagement yet' });
  }

  const recordId = opportunity[OpportunityColumns.id] as string;
  const changed = changedColumns(opportunity, engagementColumns(engagement));
  if (Object.keys(changed).length === 0)
    return count(deps, { outcome: 'succeeded', action: 'unchanged', table: 'opportunity', recordId });

  const now = deps.clock.now();
  const lcid = await ownerLanguage(deps.languages, EntitySets.opportunity, recordId);
  const joined = !opportunity[OpportunityColumns.microsoftEngagedOn];
  const message = engagementMessage(engagement, joined, lcid);
  await deps.dataverse.executeBatch([
    {
      method: 'PATCH',
      entitySet: EntitySets.opportunity,
      id: recordId,
      record: {
        ...changed,
        [OpportunityColumns.audit]: prependAudit(
          opportunity[OpportunityColumns.audit],
          auditLine(now, 'toDataverse', 'succeeded', message),
        ),
      },
    },
    syncEventOperation({
      table: 'opportunity',
      recordId,
      direction: 'toDataverse',
      outcome: 'succeeded',
      title: inboundText('engagementTitle', lcid),
      message,
      referralId: related.id,
      correlationId: context.correlationId,
      occurredOn: now,
      changes: Object.keys(changed),
    }),
  ]);
  context.logger.info({ recordId, relatedReferralId: related.id, joined }, 'Microsoft engagement shown');
  return count(deps, { outcome: 'succeeded', action: 'updated', table: 'opportunity', recordId });
}
