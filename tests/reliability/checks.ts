/**
 * What "nothing lost, nothing twice" means, read from the two systems of record: Partner Center's
 * referrals (the simulator's state) and Dataverse's rows. Never from the relay's own bookkeeping.
 */
import { EntitySets, LeadColumns } from '../../Domain/constants';
import { isConnectedReferralForMicrosoft } from '../../Domain/coSellCreation';
import { where } from '../../Domain/odataQuery';
import type { StoredReferral } from '../../Domain/referral';
import type { Environment } from './environment';

export interface Tally {
  expected: number;
  /** Records with exactly one counterpart. */
  once: number;
  /** Records with none. */
  lost: number;
  /** Counterparts beyond the first, summed over records. */
  duplicates: number;
}

export const converged = (tally: Tally) => tally.once === tally.expected;

export async function partnerCenterReferrals(env: Environment): Promise<StoredReferral[]> {
  const state = await env.control<{ referrals: StoredReferral[] | Record<string, StoredReferral> }>(
    'partnerCenter',
    'GET',
    'state',
  );
  return Array.isArray(state.referrals) ? state.referrals : Object.values(state.referrals);
}

/** Referrals in Partner Center per opportunity (the relay's own, keyed by externalReferenceId). */
export async function referralsPerOpportunity(env: Environment, opportunityIds: string[]): Promise<Tally> {
  const counts = new Map(opportunityIds.map((id) => [id.toLowerCase(), 0]));
  for (const referral of await partnerCenterReferrals(env)) {
    if (isConnectedReferralForMicrosoft(referral)) continue;
    const key = referral.externalReferenceId?.toLowerCase();
    if (key && counts.has(key)) counts.set(key, counts.get(key)! + 1);
  }
  return tally([...counts.values()]);
}

/** Dynamics 365 leads per Microsoft referral (pcs_referralid). */
export async function leadsPerReferral(env: Environment, referralIds: string[]): Promise<Tally> {
  const counts = new Map(referralIds.map((id) => [id.toLowerCase(), 0]));
  const leads = await env.admin.retrieveMultiple(EntitySets.lead, {
    select: [LeadColumns.id, LeadColumns.referralId],
    filter: where.ne(LeadColumns.referralId, null),
  });
  for (const lead of leads) {
    const key = String(lead[LeadColumns.referralId] ?? '').toLowerCase();
    if (counts.has(key)) counts.set(key, counts.get(key)! + 1);
  }
  return tally([...counts.values()]);
}

function tally(counts: number[]): Tally {
  return {
    expected: counts.length,
    once: counts.filter((n) => n === 1).length,
    lost: counts.filter((n) => n === 0).length,
    duplicates: counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
  };
}

/**
 * Polls `measure` until it reports convergence or `limitMs` passes; returns the last tally and the
 * time it took (null when it never converged).
 */
export async function waitForConvergence(
  measure: () => Promise<Tally>,
  limitMs: number,
  since = Date.now(),
): Promise<{ tally: Tally; convergedAfterMs: number | null }> {
  for (;;) {
    const tally = await measure();
    const elapsed = Date.now() - since;
    if (converged(tally)) return { tally, convergedAfterMs: elapsed };
    if (elapsed > limitMs) return { tally, convergedAfterMs: null };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
