/**
 * Referral origin from the three parameters of Microsoft's classification table
 * (referrals-api-introduction: ReferralType, Qualification, InvitedBy.OrganizationID), never from
 * `direction` or `createdVia`, which real partner-created payloads report as Incoming / null.
 */
import { referralOrigin } from '../../../Domain/referralOrigin';
import type { Referral } from '../../../Domain/referral';
import { referralSample } from '../../testkit/referrals';

const PARTNER_ORG = '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d';
const OTHER_PARTNER = '0e6a3b1c-2222-4444-8888-0000000000aa';

const referral = (
  type: Referral['type'],
  qualification: string,
  invitedBy: string | null,
  extra: Partial<Referral> = {},
): Referral => ({
  organizationId: PARTNER_ORG,
  type,
  qualification,
  inviteContext: invitedBy === null ? null : { invitedBy: { organizationId: invitedBy } },
  ...extra,
});

describe('referralOrigin', () => {
  it.each([
    // Microsoft's table, row by row.
    ['Independent', 'Direct', 'msft', { origin: 'microsoft', category: 'marketplaceLead' }],
    ['Independent', 'Direct', null, { origin: 'microsoft', category: 'marketplaceLead' }],
    ['Independent', 'SalesQualified', 'msft', { origin: 'microsoft', category: 'qualifiedLead' }],
    ['Independent', 'MarketingQualified', 'msft', { origin: 'microsoft', category: 'qualifiedLead' }],
    ['Independent', 'SalesQualified', PARTNER_ORG, { origin: 'partner' }],
    ['Shared', 'None', PARTNER_ORG, { origin: 'partner' }],
    ['Shared', 'SalesQualified', OTHER_PARTNER, { origin: 'invitingPartner', organizationId: OTHER_PARTNER }],
    // Published samples: a Microsoft seller's co-sell invitation.
    ['Shared', 'SalesQualified', 'msft', { origin: 'microsoft', category: 'coSellInvitation' }],
    ['Independent', 'None', 'MSFT', { origin: 'microsoft', category: 'other' }],
    // No inviter and not a marketplace lead: the partner's own deal.
    ['Independent', 'SalesQualified', null, { origin: 'partner' }],
  ] as const)('%s + %s + invitedBy %s', (type, qualification, invitedBy, expected) => {
    expect(referralOrigin(referral(type, qualification, invitedBy))).toEqual(expected);
  });

  it('ignores direction and createdVia (partner-created deals report Incoming)', () => {
    const own = referral('Independent', 'SalesQualified', PARTNER_ORG, {
      direction: 'Incoming',
      createdVia: null,
    } as Partial<Referral>);
    expect(referralOrigin(own)).toEqual({ origin: 'partner' });
    const microsoft = referral('Shared', 'SalesQualified', 'msft', { direction: 'Outgoing' });
    expect(referralOrigin(microsoft)).toMatchObject({ origin: 'microsoft' });
  });

  it('reads the published get-by-id sample (Independent, Direct, no inviter) as a marketplace lead', () => {
    expect(referralOrigin(referralSample() as Referral)).toEqual({
      origin: 'microsoft',
      category: 'marketplaceLead',
    });
  });
});
