/**
 * Step 2 of the two-step co-sell creation (Domain/coSellCreation.ts, docs/co-sell-creation.md): the
 * connected referral for Microsoft in our referral's engagement, created once. The engagement is
 * looked up before creating (a retry after a failure between the two steps finds what exists), and
 * what was found or created is remembered, so later pushes do not list the engagement again.
 */
import { isConnectedReferralForMicrosoft } from '../../Domain/coSellCreation';
import { where } from '../../Domain/odataQuery';
import type { Referral, StoredReferral } from '../../Domain/referral';
import type { CallOptions } from '../ports';
import type { SyncDeps } from './deps';
import { rememberHeldVersion } from './heldVersion';

/** The connected referral for Microsoft we know of in an engagement. */
export const connectedReferralKey = (engagementId: string) => `connected:${engagementId.toLowerCase()}`;

/**
 * Make sure `own`'s engagement has a connected referral for Microsoft shaped like `template`.
 * Returns the referral it created, or null when one existed already.
 */
export async function ensureConnectedReferral(
  deps: SyncDeps,
  own: StoredReferral,
  template: Referral,
  options: CallOptions,
): Promise<StoredReferral | null> {
  const engagementId = own.engagementId;
  if (!engagementId) return null;
  const key = connectedReferralKey(engagementId);
  if (await deps.store.getState(key)) return null;
  const engagement = await deps.partnerCenter.listReferrals(
    { filter: where.eq('engagementId', engagementId) },
    options,
  );
  const existing = engagement.find((r) => r.id !== own.id && isConnectedReferralForMicrosoft(r));
  if (existing) {
    await deps.store.setState(key, existing.id);
    return null;
  }
  const created = await deps.partnerCenter.createReferral({ ...template, engagementId }, options);
  // Its referral-created webhook is our own echo, and it is not a deal of its own (fromPartnerCenter).
  await rememberHeldVersion(deps.store, created);
  await deps.store.setState(key, created.id);
  return created;
}
