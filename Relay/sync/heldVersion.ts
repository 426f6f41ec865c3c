/**
 * The version of a referral Dynamics 365 is in step with: the one the relay last wrote to Partner
 * Center, or read and applied to Dataverse. Its eTag tells a re-read version we already hold; its
 * updatedDateTime tells an event that is no news without reading anything. Partner Center stamps each
 * event with when the change happened (`ResourceChangeUtcDate`,
 * https://learn.microsoft.com/partner-center/developer/partner-center-webhooks), and every write of
 * ours carries If-Match, so the version we hold contains every change up to its updatedDateTime: an
 * event of that time or earlier (the echo of our own write, a late or repeated delivery) announces
 * nothing new. A later change by anyone has a later stamp and is read as usual.
 */
import type { StoredReferral } from '../../Domain/referral';
import type { Store } from '../ports';
import { writtenEtagKey } from './deps';

/** When the held version was made (its updatedDateTime, as Partner Center wrote it). */
export const heldAtKey = (referralId: string) => `held-at:${referralId.toLowerCase()}`;

const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * 100 ns ticks since 1970 (Partner Center writes 7 fractional digits, `…:39.5485487+00:00`); null when
 * unreadable. Finer than Date, so two changes within one millisecond stay apart.
 */
export function instantTicks(text: string | null | undefined): bigint | null {
  const match = INSTANT.exec((text ?? '').trim());
  if (!match) return null;
  const seconds = Date.parse(`${match[1]}${match[3]!.toUpperCase()}`);
  if (Number.isNaN(seconds)) return null;
  const fraction = (match[2] ?? '').padEnd(7, '0').slice(0, 7);
  return BigInt(seconds) * 10_000n + BigInt(fraction);
}

/** This version of the referral is now the one both sides hold. */
export async function rememberHeldVersion(
  store: Store,
  referral: Pick<StoredReferral, 'id' | 'eTag' | 'updatedDateTime'>,
): Promise<void> {
  await store.setState(writtenEtagKey(referral.id), referral.eTag);
  if (instantTicks(referral.updatedDateTime) !== null)
    await store.setState(heldAtKey(referral.id), referral.updatedDateTime!);
  else await store.deleteState(heldAtKey(referral.id));
}

/** The held version is not (or no longer) in Dataverse: the next event or pull must read again. */
export async function forgetHeldVersion(store: Store, referralId: string): Promise<void> {
  await store.deleteState(writtenEtagKey(referralId));
  await store.deleteState(heldAtKey(referralId));
}

/** A change made at `changedAt` is already in the version Dynamics 365 holds. */
export async function isHeldChange(
  store: Store,
  referralId: string,
  changedAt: string | null | undefined,
): Promise<boolean> {
  const change = instantTicks(changedAt);
  if (change === null) return false;
  const held = instantTicks(await store.getState(heldAtKey(referralId)));
  return held !== null && change <= held;
}
