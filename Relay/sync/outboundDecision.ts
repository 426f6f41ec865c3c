/**
 * What we would send to Partner Center for one opportunity — the one decision behind the push
 * (toPartnerCenter.ts), the /api preview (preview.ts) and `cosell preview opportunity`: the sharing
 * rules on the opportunity as read (✔/✖ mark off the name), then a create body when no referral
 * exists, nothing when the referral is Closed (Partner Center accepts no further changes), else the
 * JSON Patch of the changed fields only. With the two-step co-sell creation flow, a deal shared with
 * Microsoft also needs its connected referral for Microsoft (`connected`).
 */
import {
  connectedReferralForMicrosoft,
  isSharedWithMicrosoft,
  ownReferralStep,
} from '../../Domain/coSellCreation';
import { CoSellCreationFlows, OpportunityColumns, type CoSellCreationFlow } from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import { snapshotFromWebApi, toReferralCreate, toReferralPatch } from '../../Domain/mapping';
import type { DataverseRecord, OpportunitySnapshot, Problem } from '../../Domain/opportunity';
import type { Referral, ReferralPatchOperation } from '../../Domain/referral';
import { checkSharingRules } from '../../Domain/rules';
import { stripMark } from './checkmark';

/**
 * `connected`: the connected referral for Microsoft that must exist in the referral's engagement
 * (two-step flow only; its engagementId comes from our referral). Sent when the engagement lacks one.
 */
export type OutboundDecision<R extends Referral = Referral> =
  | { action: 'blocked'; problems: Problem[] }
  | { action: 'create'; referral: Referral; connected?: Referral }
  | { action: 'update'; current: R; patch: ReferralPatchOperation[]; connected?: Referral }
  | { action: 'none'; current: R; reason: 'unchanged' | 'closed'; connected?: Referral };

export interface OutboundOptions {
  /** pcs_CoSellCreationFlow (default one-step). */
  coSellCreation?: CoSellCreationFlow;
}

/** The connected referral a shared deal needs under the two-step flow, else nothing. */
function connectedFor(deal: Referral, options: OutboundOptions): { connected?: Referral } {
  if (options.coSellCreation !== CoSellCreationFlows.twoStep || !isSharedWithMicrosoft(deal)) return {};
  return { connected: connectedReferralForMicrosoft(deal) };
}

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
  options: OutboundOptions = {},
): OutboundDecision<R> {
  const problems = checkSharingRules(snapshot, map);
  if (problems.length > 0) return { action: 'blocked', problems };
  if (!current) {
    const referral = toReferralCreate(snapshot, map);
    const connected = connectedFor(referral, options);
    return {
      action: 'create',
      referral: connected.connected ? ownReferralStep(referral) : referral,
      ...connected,
    };
  }
  if (current.status === 'Closed') return { action: 'none', current, reason: 'closed' };
  const patch = outboundPatch(snapshot, map, current);
  // A deal shared after creation, or a step 2 that failed, still gets its connected referral.
  const connected = connectedFor({ ...toReferralCreate(snapshot, map), type: current.type }, options);
  return patch.length > 0
    ? { action: 'update', current, patch, ...connected }
    : { action: 'none', current, reason: 'unchanged', ...connected };
}

/** The same decision, reading the referral only when the rules let the opportunity be shared. */
export async function decideOutboundFor<R extends Referral>(
  snapshot: OpportunitySnapshot,
  map: FieldMap,
  findCurrent: () => Promise<R | null>,
  options: OutboundOptions = {},
): Promise<OutboundDecision<R>> {
  const problems = checkSharingRules(snapshot, map);
  if (problems.length > 0) return { action: 'blocked', problems };
  return decideOutbound(snapshot, map, await findCurrent(), options);
}
