/**
 * Microsoft's side of a co-sell deal, as the opportunity columns a seller sees and filters on: who at
 * Microsoft engaged (name, e-mail), when, Microsoft's note, Microsoft's status and its CRM (MSX) id.
 *
 * Where it is read from (docs/microsoft-engagement.md lists what is confirmed and what is assumed):
 * - A Microsoft seller engages on the partner's co-sell: Microsoft's own referral in the same
 *   engagement (`organizationId` "msft") — seller in its `team`, note in `details.notes` (else
 *   `inviteContext.notes`), status in `status`/`substatus`, CRM id in `trackingInfo.microsoftMsxId`.
 *   That the seller is in that referral's `team` is an assumption; Partner Center documents no other place.
 * - Microsoft sends the partner a referral (`inviteContext.invitedBy.organizationId` "msft"): the
 *   partner's copy carries the Microsoft seller in `team` and the message in `inviteContext.notes`
 *   (published get-a-list-of-referrals sample).
 */
import { OpportunityColumns, ReferralSubstatusOptions } from './constants';
import type { DataverseRecord } from './opportunity';
import type { Referral, ReferralMember } from './referral';

/** Partner Center's organization id for Microsoft (referrals-api-introduction: "InvitedBy.OrganizationID … msft"). */
export const MICROSOFT_ORGANIZATION_ID = 'msft';

export const isMicrosoftOrganization = (organizationId: string | null | undefined): boolean =>
  organizationId?.trim().toLowerCase() === MICROSOFT_ORGANIZATION_ID;

/** Microsoft sent this referral to the partner (a Microsoft seller's invitation or lead). */
export const isFromMicrosoft = (referral: Referral): boolean =>
  isMicrosoftOrganization(referral.inviteContext?.invitedBy?.organizationId);

export interface MicrosoftEngagement {
  sellerName: string | null;
  sellerEmail: string | null;
  /** When Microsoft engaged (its referral accepted, else created) or sent the invitation. */
  engagedOn: string | null;
  /** Microsoft's last change. */
  updatedOn: string | null;
  notes: string | null;
  /** Microsoft's substatus (Accepted, Won, Lost…); null when Microsoft has no referral of its own. */
  substatus: string | null;
  msxId: string | null;
}

const text = (value: string | null | undefined): string | null => value?.trim() || null;

/** The first team member with a name or an e-mail. */
function seller(team: readonly ReferralMember[] | null | undefined): {
  name: string | null;
  email: string | null;
} {
  const member = (team ?? []).find((m) => text(m.email) || text(m.firstName) || text(m.lastName));
  const name = [text(member?.firstName), text(member?.lastName)].filter(Boolean).join(' ');
  return { name: name || null, email: text(member?.email) };
}

/** Microsoft's side from Microsoft's own referral in the engagement; null when it is not Microsoft's. */
export function engagementFromMicrosoftReferral(related: Referral): MicrosoftEngagement | null {
  if (!isMicrosoftOrganization(related.organizationId)) return null;
  const who = seller(related.team);
  return {
    sellerName: who.name,
    sellerEmail: who.email,
    engagedOn: related.acceptedDateTime ?? related.createdDateTime ?? null,
    updatedOn: related.updatedDateTime ?? null,
    notes: text(related.details?.notes) ?? text(related.inviteContext?.notes),
    substatus: related.substatus ?? null,
    msxId: text(related.trackingInfo?.microsoftMsxId),
  };
}

/** Microsoft's side from a referral Microsoft sent the partner; null when Microsoft did not send it. */
export function engagementFromInvitation(referral: Referral): MicrosoftEngagement | null {
  if (!isFromMicrosoft(referral)) return null;
  const who = seller(referral.team);
  return {
    sellerName: who.name,
    sellerEmail: who.email,
    engagedOn: referral.createdDateTime ?? null,
    updatedOn: null,
    notes: text(referral.inviteContext?.notes),
    substatus: null,
    msxId: text(referral.trackingInfo?.microsoftMsxId),
  };
}

/** ISO instant, or null for anything that is not a date. */
const instant = (value: string | null): string | null => {
  const date = value ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
};

const optionOf = (substatus: string | null): number | null =>
  substatus && substatus in ReferralSubstatusOptions
    ? ReferralSubstatusOptions[substatus as keyof typeof ReferralSubstatusOptions]
    : null;

/**
 * The opportunity columns for Microsoft's side. Only what is known is written: a missing e-mail or
 * note never erases one read earlier, the CRM id never goes back to empty.
 */
export function engagementColumns(engagement: MicrosoftEngagement): DataverseRecord {
  const columns: DataverseRecord = {};
  const set = (column: string, value: unknown) => {
    if (value !== null && value !== undefined) columns[column] = value;
  };
  set(OpportunityColumns.microsoftSellerName, engagement.sellerName);
  set(OpportunityColumns.microsoftSellerEmail, engagement.sellerEmail);
  set(OpportunityColumns.microsoftEngagedOn, instant(engagement.engagedOn));
  set(OpportunityColumns.microsoftUpdatedOn, instant(engagement.updatedOn));
  set(OpportunityColumns.microsoftNotes, engagement.notes);
  set(OpportunityColumns.microsoftStatus, optionOf(engagement.substatus));
  set(OpportunityColumns.microsoftCrmId, engagement.msxId);
  return columns;
}

/** Microsoft's invitation on a referral still waiting for the partner's answer (columns, or none). */
export function invitationColumns(referral: Referral): DataverseRecord {
  if (referral.status !== 'New') return {};
  const engagement = engagementFromInvitation(referral);
  return engagement ? engagementColumns(engagement) : {};
}
