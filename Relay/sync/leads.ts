/**
 * Lead lifecycle → referral: a lead that came from a referral and is qualified becomes the
 * opportunity the referral is linked to (and the referral is accepted); disqualified declines it.
 * Partner Center only sends referrals as leads until they are accepted, so this closes the loop.
 */
import { EntitySets, LeadColumns, LeadState, OpportunityColumns } from '../../Domain/constants';
import { lookup, where } from '../../Domain/odataQuery';
import type { ReferralPatchOperation } from '../../Domain/referral';
import type { JobContext, SyncDeps } from './deps';
import { rememberHeldVersion } from './heldVersion';
import type { LeadSyncPayload } from '../ports';
import { referralColumns, syncEventOperation } from './writeBack';

export type LeadResult = { outcome: 'skipped'; reason: string } | { outcome: 'succeeded'; action: string };

export async function syncLead(
  deps: SyncDeps,
  payload: LeadSyncPayload,
  context: JobContext,
): Promise<LeadResult> {
  const lead = await deps.dataverse.retrieve(EntitySets.lead, payload.leadId, {
    select: [LeadColumns.id, LeadColumns.referralId, LeadState.stateCode],
  });
  const referralId = lead[LeadColumns.referralId] as string | null | undefined;
  if (!referralId) return { outcome: 'skipped', reason: 'lead has no referral' };
  const stateCode = (lead[LeadState.stateCode] as number | undefined) ?? payload.stateCode;
  if (stateCode !== LeadState.qualified && stateCode !== LeadState.disqualified) {
    return { outcome: 'skipped', reason: 'lead is still open' };
  }
  const correlation = { correlationId: context.correlationId };
  const referral = await deps.partnerCenter.getReferral(referralId, correlation);
  const now = deps.clock.now();
  const qualified = stateCode === LeadState.qualified;
  const [opportunity] = qualified
    ? await deps.dataverse.retrieveMultiple(EntitySets.opportunity, {
        select: [OpportunityColumns.id],
        filter: where.eq(lookup(LeadState.originatingLead), payload.leadId),
        top: 1,
      })
    : [];
  const opportunityId = opportunity?.[OpportunityColumns.id] as string | undefined;
  const operations: ReferralPatchOperation[] = [];
  if (referral.status === 'New') {
    operations.push(
      { op: 'replace', path: '/status', value: qualified ? 'Active' : 'Closed' },
      { op: 'replace', path: '/substatus', value: qualified ? 'Accepted' : 'Declined' },
    );
  }
  if (opportunityId && referral.status !== 'Closed') {
    operations.push({ op: 'replace', path: '/externalReferenceId', value: opportunityId });
  }
  const updated = operations.length
    ? await deps.partnerCenter.patchReferral(referral.id, operations, {
        ifMatch: referral.eTag,
        ...correlation,
      })
    : referral;
  await rememberHeldVersion(deps.store, updated);
  const message = qualified
    ? `Lead qualified: referral ${operations.length ? 'accepted' : 'unchanged'}${opportunityId ? ' and linked to the new opportunity' : ''}`
    : 'Lead disqualified: referral declined';
  const columns = referralColumns(updated);
  await deps.dataverse.executeBatch([
    ...(opportunityId
      ? [
          {
            method: 'PATCH' as const,
            entitySet: EntitySets.opportunity,
            id: opportunityId,
            record: { ...columns, [OpportunityColumns.syncWithPartnerCenter]: true },
          },
        ]
      : []),
    {
      method: 'PATCH',
      entitySet: EntitySets.lead,
      id: payload.leadId,
      record: {
        [LeadColumns.referralStatus]: columns[OpportunityColumns.referralStatus],
        [LeadColumns.referralSubstatus]: columns[OpportunityColumns.referralSubstatus],
      },
    },
    syncEventOperation({
      table: 'lead',
      recordId: payload.leadId,
      direction: 'toPartnerCenter',
      outcome: 'succeeded',
      title: qualified ? 'Lead qualified' : 'Lead disqualified',
      message,
      referralId: referral.id,
      correlationId: context.correlationId,
      occurredOn: now,
      changes: operations,
    }),
  ]);
  return { outcome: 'succeeded', action: message };
}
