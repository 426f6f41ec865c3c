/**
 * Where a referral the relay sees for the first time lands: a lead or an opportunity, by its origin
 * (Domain/referralOrigin.ts). Referrals Microsoft sends become leads — or opportunities, when the admin
 * says so in pcs_MicrosoftReferralTarget; referrals the partner created in the Partner Center portal and
 * invitations from other partners are deals already, so they become opportunities. A Microsoft referral
 * that is already accepted (or won or lost, which only follow acceptance) is past the lead stage.
 *
 * The older all-or-nothing pcs_InboundReferralPolicy still works: when the new variable is empty, its
 * value is the Microsoft target (`lead` → lead, any other non-empty value → opportunity, as it was read
 * before). docs/inbound-referrals.md has the mapping.
 */
import { EnvironmentVariables, Tables } from '../../Domain/constants';
import type { Referral } from '../../Domain/referral';
import { referralOrigin } from '../../Domain/referralOrigin';
import type { ReferralOrigin } from '../../Domain/referralOrigin';
import type { SyncSettings } from './settings';

export type InboundTable = typeof Tables.lead | typeof Tables.opportunity;

export interface InboundRule {
  /** What a new referral from Microsoft becomes. */
  microsoft: InboundTable;
  /** Which setting decided it, for the audit line and `cosell` diagnostics. */
  decidedBy:
    | typeof EnvironmentVariables.microsoftReferralTarget
    | typeof EnvironmentVariables.inboundReferralPolicy
    | 'default';
}

/** Microsoft referrals are leads unless an admin says otherwise. */
export const DEFAULT_INBOUND_RULE: InboundRule = { microsoft: Tables.lead, decidedBy: 'default' };

const word = (value: string | null | undefined) => (value ?? '').trim().toLowerCase();

/** The rule from the two variables' current values (null = no value). */
export function parseInboundRule(values: {
  target: string | null;
  legacyPolicy: string | null;
}): InboundRule {
  const target = word(values.target);
  if (target === Tables.lead || target === Tables.opportunity)
    return { microsoft: target, decidedBy: EnvironmentVariables.microsoftReferralTarget };
  const legacy = word(values.legacyPolicy);
  // The old reader: `lead` meant lead, anything else meant opportunity.
  if (legacy)
    return {
      microsoft: legacy === Tables.lead ? Tables.lead : Tables.opportunity,
      decidedBy: EnvironmentVariables.inboundReferralPolicy,
    };
  return DEFAULT_INBOUND_RULE;
}

export async function inboundRule(settings: SyncSettings): Promise<InboundRule> {
  return parseInboundRule({
    target: await settings.variable(EnvironmentVariables.microsoftReferralTarget),
    legacyPolicy: await settings.variable(EnvironmentVariables.inboundReferralPolicy),
  });
}

/** A referral that was accepted at some point: Active, or closed as Won / Lost. */
export function wasAccepted(referral: Referral): boolean {
  return (
    referral.status === 'Active' ||
    (referral.status === 'Closed' && (referral.substatus === 'Won' || referral.substatus === 'Lost'))
  );
}

export interface InboundRoute {
  table: InboundTable;
  origin: ReferralOrigin;
}

export function routeReferral(referral: Referral, rule: InboundRule): InboundRoute {
  const origin = referralOrigin(referral);
  if (origin.origin !== 'microsoft' || wasAccepted(referral)) return { table: Tables.opportunity, origin };
  return { table: rule.microsoft, origin };
}
