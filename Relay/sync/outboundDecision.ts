/**
 * What we would send to Partner Center for one opportunity — the one decision behind the push
 * (toPartnerCenter.ts), the /api preview (preview.ts) and `cosell preview opportunity`: the sharing
 * rules on the opportunity as read (✔/✖ mark off the name), then a create body when no referral
 * exists, nothing when the referral is Closed (Partner Center accepts no further changes), else the
 * JSON Patch of the changed fields only.
 */
import { OpportunityColumns } from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import { snapshotFromWebApi, toReferralCreate, toReferralPatch } from '../../Domain/mapping';
import type { DataverseRecord, OpportunitySnapshot, Problem } from '../../Domain/opportunity';
import type { Referral, ReferralPatchOperation } from '../../Domain/referral';
import { checkSharingRules } from '../../Domain/rules';
import { stripMark } from './checkmark';

export type OutboundDecision<R extends Referral = Referral> =
  | { action: 'blocked'; problems: Problem[] }
  | { action: 'create'; referral: Referral }
  | { action: 'update'; current: R; patch: ReferralPatchOperation[] }
  | { action: 'none'; current: R; reason: 'unchanged' | 'closed' };

/** The snapshot of one Web API read (Domain `opportunityQuery`), without the ✔/✖ presentation mark. */
export function outboundSnapshot(record: DataverseRecord): OpportunitySnapshot {
  const snapshot = snapshotFromWebApi(record);
  const name = snapshot.opportunity[OpportunityColumns.name] as string | null | undefined;
  return {
    ...snapshot,
    opportunity: { ...snapshot.opportunity, [OpportunityColumns.name]: stripMark(name) },
  };
}

/** The changes `current` needs; none for a Closed referral. */
export function outboundPatch(
  snapshot: OpportunitySnapshot,
  map: FieldMap,
  current: Referral,
): ReferralPatchOperation[] {
  return current.status === 'Closed' ? [] : toReferralPatch(snapshot, map, current);
}

/** The decision against the referral Partner Center has now (null: none exists yet). */
export function decideOutbound<R extends Referral>(
  snapshot: OpportunitySnapshot,
  map: FieldMap,
  current: R | null,
): OutboundDecision<R> {
  const problems = checkSharingRules(snapshot, map);
  if (problems.length > 0) return { action: 'blocked', problems };
  if (!current) return { action: 'create', referral: toReferralCreate(snapshot, map) };
  if (current.status === 'Closed') return { action: 'none', current, reason: 'closed' };
  const patch = outboundPatch(snapshot, map, current);
  return patch.length > 0
    ? { action: 'update', current, patch }
    : { action: 'none', current, reason: 'unchanged' };
}

/** The same decision, reading the referral only when the rules let the opportunity be shared. */
export async function decideOutboundFor<R extends Referral>(
  snapshot: OpportunitySnapshot,
  map: FieldMap,
  findCurrent: () => Promise<R | null>,
): Promise<OutboundDecision<R>> {
  const problems = checkSharingRules(snapshot, map);
  if (problems.length > 0) return { action: 'blocked', problems };
  return decideOutbound(snapshot, map, await findCurrent());
}
