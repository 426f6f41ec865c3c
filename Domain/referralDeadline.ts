/**
 * When an incoming referral nobody answered expires. Partner Center's UI docs: "If you don't respond
 * within the allotted time (currently 14 days), we'll archive it as Expired" (manage co-sell
 * opportunities, manage leads). The API carries `expirationDateTime` on incoming referrals, and the
 * published samples show values that are not created + 14 days (≈7 and ≈13 days, midnight-truncated),
 * so the field wins; only when it is absent is the expiry estimated as created + 14 days.
 * docs/microsoft-engagement.md says what is confirmed and what is assumed.
 */
import { LeadColumns, OpportunityColumns } from './constants';
import type { DataverseRecord } from './opportunity';
import type { Referral } from './referral';

/** Partner Center's response window ("currently 14 days"). */
export const RESPONSE_WINDOW_DAYS = 14;
/** Under this much time left, the control warns. */
export const EXPIRY_WARNING_MS = 3 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

export interface ReferralExpiry {
  /** ISO 8601 instant (UTC). */
  expiresOn: string;
  /** True when Partner Center gave no expirationDateTime: created + 14 days. */
  estimated: boolean;
}

const instant = (text: string | null | undefined): Date | null => {
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
};

/**
 * The expiry of a referral that waits for the partner's answer (status New, not one we sent), or null
 * when nothing expires: accepted, declined, closed, or our own outgoing referral.
 */
export function referralExpiry(referral: Referral): ReferralExpiry | null {
  if (referral.status !== 'New' || referral.direction === 'Outgoing') return null;
  const given = instant(referral.expirationDateTime);
  if (given) return { expiresOn: given.toISOString(), estimated: false };
  const created = instant(referral.createdDateTime);
  if (!created) return null;
  return {
    expiresOn: new Date(created.getTime() + RESPONSE_WINDOW_DAYS * DAY_MS).toISOString(),
    estimated: true,
  };
}

/** The expiry columns of the opportunity or lead linked to this referral (cleared once answered). */
export function expiryColumns(
  referral: Referral,
  table: 'opportunity' | 'lead' = 'opportunity',
): DataverseRecord {
  const columns = table === 'opportunity' ? OpportunityColumns : LeadColumns;
  const expiry = referralExpiry(referral);
  return {
    [columns.referralExpiresOn]: expiry?.expiresOn ?? null,
    [columns.referralExpiryEstimated]: expiry ? expiry.estimated : null,
  };
}

export interface ExpiryState {
  /** Milliseconds until the expiry (negative once passed). */
  msLeft: number;
  /** Less than three days left (and not passed). */
  warning: boolean;
  /** The expiry has passed; Partner Center archives the referral as Expired. */
  expired: boolean;
}

/** How close the expiry is, against an injected clock. */
export function expiryState(expiresOn: Date, now: Date): ExpiryState {
  const msLeft = expiresOn.getTime() - now.getTime();
  return { msLeft, warning: msLeft > 0 && msLeft < EXPIRY_WARNING_MS, expired: msLeft <= 0 };
}
