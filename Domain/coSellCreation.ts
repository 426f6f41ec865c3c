/**
 * How a deal shared with Microsoft is created in Partner Center (pcs_CoSellCreationFlow,
 * docs/co-sell-creation.md):
 * - one-step (default): one referral, `type: Shared`, shared with Microsoft sellers (and the help code
 *   for co-sell); Microsoft's side appears on its own.
 * - two-step, as the 2019–2022 create-a-referral page describes "Create a shared referral": first your
 *   referral, `type: Shared`, targeted at your SolutionProfile; then "a connected referral for the
 *   second party" — for Microsoft, `target: [{ type: BusinessProfileLocation, id: msft }]` — carrying
 *   "the engagementId from your referral so they are tied together"
 *   (MicrosoftDocs/partner-rest@5c30e90:partner-rest/develop/create-a-referral.md).
 */
import { CoSellCreationFlows, type CoSellCreationFlow } from './constants';
import type { Referral } from './referral';
import { MICROSOFT_ORGANIZATION_ID } from './referralOrigin';

/** The target of the connected referral for Microsoft (published as a fragment only). */
export const MICROSOFT_TARGET = { type: 'BusinessProfileLocation', id: MICROSOFT_ORGANIZATION_ID } as const;

/** A referral shared with Microsoft sellers: the only kind two-step creation applies to. */
export const isSharedWithMicrosoft = (referral: Referral): boolean =>
  referral.type === 'Shared' && referral.consent?.consentToShareReferralWithMicrosoftSellers === true;

/** The connected referral we created for Microsoft in a two-step creation (not a deal of its own). */
export const isConnectedReferralForMicrosoft = (referral: Referral): boolean =>
  referral.organizationId !== MICROSOFT_ORGANIZATION_ID &&
  (referral.target ?? []).some(
    (t) => t.type === MICROSOFT_TARGET.type && t.id?.toLowerCase() === MICROSOFT_ORGANIZATION_ID,
  );

/** pcs_CoSellCreationFlow's value; anything but `two-step` is the default one-step flow. */
export const parseCoSellCreationFlow = (value: string | null | undefined): CoSellCreationFlow =>
  value?.trim().toLowerCase() === CoSellCreationFlows.twoStep
    ? CoSellCreationFlows.twoStep
    : CoSellCreationFlows.oneStep;

/**
 * Step 1 of the two-step flow: our referral, targeted at our SolutionProfile. The profile id is the
 * first solution's id: the published sample targets a `SOL-…` id and a shared deal always has a
 * solution (which profile Partner Center expects is not documented further).
 */
export function ownReferralStep(referral: Referral): Referral {
  const solution = referral.details?.requirements?.solutions?.[0]?.id;
  return { ...referral, target: solution ? [{ type: 'SolutionProfile', id: solution }] : [] };
}

/**
 * Step 2: the connected referral for Microsoft, without its engagementId (taken from step 1's answer).
 * It repeats the deal; it does not carry our externalReferenceId, so looking our referral up by the
 * opportunity id still finds exactly one.
 */
export function connectedReferralForMicrosoft(referral: Referral): Referral {
  const { externalReferenceId: _ours, target: _target, engagementId: _engagement, ...deal } = referral;
  return { ...deal, target: [{ ...MICROSOFT_TARGET }] };
}
