/**
 * Where a referral the relay has not seen before came from. Microsoft documents three parameters for
 * telling its kinds apart — ReferralType, Qualification and InvitedBy.OrganizationID
 * (https://learn.microsoft.com/partner-center/developer/referrals-api-introduction):
 *
 * | type                  | qualification                     | invitedBy.organizationId            | category            |
 * | --------------------- | --------------------------------- | ----------------------------------- | ------------------- |
 * | Independent           | Direct                            | msft or null                        | Marketplace lead    |
 * | Independent           | SalesQualified/MarketingQualified | msft                                | Qualified lead      |
 * | Independent or Shared | SalesQualified or None            | the partner's own or an inviting id | Co-sell opportunity |
 *
 * A Microsoft seller's co-sell invitation (Shared + msft) is not a row of that table; Microsoft's
 * published referral samples show it. `direction` and `createdVia` are not used: real payloads of deals
 * partners created themselves report `direction: "Incoming"` and `createdVia: null` (docs/inbound-referrals.md).
 */
import type { Referral } from './referral';

/** Partner Center's organization id for Microsoft in `inviteContext.invitedBy.organizationId`. */
export const MICROSOFT_ORGANIZATION_ID = 'msft';

export type MicrosoftReferralCategory = 'marketplaceLead' | 'qualifiedLead' | 'coSellInvitation' | 'other';

export type ReferralOrigin =
  /** Sent by Microsoft (a marketplace or qualified lead, or a Microsoft seller's invitation). */
  | { origin: 'microsoft'; category: MicrosoftReferralCategory }
  /** Created by the partner itself, in the Partner Center portal (the relay links the ones it creates). */
  | { origin: 'partner' }
  /** Another partner invited this partner to its deal. */
  | { origin: 'invitingPartner'; organizationId: string };

const same = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

function microsoftCategory(referral: Referral): MicrosoftReferralCategory {
  const qualification = referral.qualification ?? 'None';
  if (referral.type === 'Shared') return 'coSellInvitation';
  if (referral.type === 'Independent' && qualification === 'Direct') return 'marketplaceLead';
  if (
    referral.type === 'Independent' &&
    (qualification === 'SalesQualified' || qualification === 'MarketingQualified')
  )
    return 'qualifiedLead';
  return 'other';
}

export function referralOrigin(referral: Referral): ReferralOrigin {
  const invitedBy = referral.inviteContext?.invitedBy?.organizationId?.trim() || null;
  if (same(invitedBy, MICROSOFT_ORGANIZATION_ID))
    return { origin: 'microsoft', category: microsoftCategory(referral) };
  // "msft or null": a Direct Independent referral without an inviter is a marketplace lead.
  if (!invitedBy && referral.type === 'Independent' && referral.qualification === 'Direct')
    return { origin: 'microsoft', category: 'marketplaceLead' };
  if (!invitedBy || same(invitedBy, referral.organizationId)) return { origin: 'partner' };
  return { origin: 'invitingPartner', organizationId: invitedBy };
}
