/**
 * Leads by origin: a new referral from Microsoft becomes a lead (or an opportunity when the admin says
 * so), a deal the partner created in the Partner Center portal or another partner's invitation becomes
 * an opportunity, and a referral already accepted is past the lead stage. The older
 * pcs_InboundReferralPolicy keeps working, mapped to the new rule: one test per value it could hold.
 */
import { EntitySets, EnvironmentVariables, LeadColumns, OpportunityColumns } from '../../../Domain/constants';
import type { Referral, StoredReferral } from '../../../Domain/referral';
import { DEFAULT_INBOUND_RULE, parseInboundRule, routeReferral } from '../../../Relay/sync/inboundRouting';
import { pullReferral } from '../../../Relay/sync/fromPartnerCenter';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

const target = EnvironmentVariables.microsoftReferralTarget;
const legacy = EnvironmentVariables.inboundReferralPolicy;

describe('parseInboundRule', () => {
  it('defaults to leads for Microsoft referrals when neither variable has a value', () => {
    expect(parseInboundRule({ target: null, legacyPolicy: null })).toEqual(DEFAULT_INBOUND_RULE);
    expect(DEFAULT_INBOUND_RULE).toEqual({ microsoft: 'lead', decidedBy: 'default' });
  });

  it('reads pcs_MicrosoftReferralTarget, any case, and prefers it to the older variable', () => {
    expect(parseInboundRule({ target: ' Opportunity ', legacyPolicy: 'lead' })).toEqual({
      microsoft: 'opportunity',
      decidedBy: target,
    });
    expect(parseInboundRule({ target: 'LEAD', legacyPolicy: 'opportunity' })).toEqual({
      microsoft: 'lead',
      decidedBy: target,
    });
  });

  it('ignores a value of the new variable it does not know (the older one or the default applies)', () => {
    expect(parseInboundRule({ target: 'both', legacyPolicy: null })).toEqual(DEFAULT_INBOUND_RULE);
    expect(parseInboundRule({ target: 'both', legacyPolicy: 'opportunity' }).microsoft).toBe('opportunity');
  });

  // pcs_InboundReferralPolicy → the rule. Before, `lead` meant lead and anything else opportunity.
  it.each([
    ['lead', 'lead', legacy],
    [' Lead ', 'lead', legacy],
    ['opportunity', 'opportunity', legacy],
    ['opportunities', 'opportunity', legacy],
    ['', 'lead', 'default'],
    ['   ', 'lead', 'default'],
    [null, 'lead', 'default'],
  ])('pcs_InboundReferralPolicy %j → Microsoft referrals become %s', (value, microsoft, decidedBy) => {
    expect(parseInboundRule({ target: null, legacyPolicy: value })).toEqual({ microsoft, decidedBy });
  });
});

describe('routeReferral', () => {
  const PARTNER_ORG = '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d';
  const fromMicrosoft = (status: Referral['status'], substatus: string): Referral => ({
    organizationId: PARTNER_ORG,
    type: 'Shared',
    qualification: 'SalesQualified',
    status,
    substatus,
    inviteContext: { invitedBy: { organizationId: 'msft' } },
  });
  const lead = { microsoft: 'lead', decidedBy: 'default' } as const;
  const opportunity = { microsoft: 'opportunity', decidedBy: target } as const;

  it.each([
    ['New', 'Pending', lead, 'lead'],
    ['New', 'Pending', opportunity, 'opportunity'],
    ['Active', 'Accepted', lead, 'opportunity'],
    ['Closed', 'Won', lead, 'opportunity'],
    ['Closed', 'Lost', lead, 'opportunity'],
    ['Closed', 'Declined', lead, 'lead'],
    ['Closed', 'Expired', lead, 'lead'],
  ] as const)('a Microsoft referral %s/%s (rule %o) lands as %s', (status, substatus, rule, table) => {
    expect(routeReferral(fromMicrosoft(status, substatus), rule).table).toBe(table);
  });

  it('a deal the partner created, and another partner’s invitation, always land as opportunities', () => {
    const own: Referral = {
      organizationId: PARTNER_ORG,
      type: 'Independent',
      qualification: 'SalesQualified',
      status: 'New',
      substatus: 'Pending',
      inviteContext: { invitedBy: { organizationId: PARTNER_ORG } },
    };
    expect(routeReferral(own, lead)).toEqual({ table: 'opportunity', origin: { origin: 'partner' } });
    const invited = { ...own, inviteContext: { invitedBy: { organizationId: 'another-partner' } } };
    expect(routeReferral(invited, lead).table).toBe('opportunity');
  });
});

describe('pullReferral lands new referrals by origin', () => {
  let bed: SyncTestbed;
  const landing = async (referral: StoredReferral) => {
    const result = await pullReferral(
      bed.deps,
      { referralId: referral.id, eventName: 'referral-created' },
      bed.context,
    );
    return (result as { table?: string }).table;
  };

  it.each([
    ['no setting', {}, 'lead'],
    ['pcs_InboundReferralPolicy = lead', { [legacy]: 'lead' }, 'lead'],
    ['pcs_InboundReferralPolicy = opportunity', { [legacy]: 'opportunity' }, 'opportunity'],
    ['pcs_InboundReferralPolicy = Opportunity (any other text)', { [legacy]: 'Opportunity' }, 'opportunity'],
    ['pcs_MicrosoftReferralTarget = opportunity', { [target]: 'opportunity' }, 'opportunity'],
    [
      'pcs_MicrosoftReferralTarget = opportunity over legacy lead',
      { [target]: 'opportunity', [legacy]: 'lead' },
      'opportunity',
    ],
  ])(
    '%s: Microsoft’s referral → %s; the partner’s portal deal → opportunity',
    async (_t, variables, microsoft) => {
      bed = createSyncTestbed({ environmentVariables: variables });
      const incoming = bed.partnerCenter.referrals.createIncoming({});
      expect(await landing(incoming)).toBe(microsoft);
      const portal = bed.partnerCenter.referrals.createInPortal({});
      expect(await landing(portal)).toBe('opportunity');
      const [row] = await bed.dataverse.retrieveMultiple(EntitySets.opportunity, {
        select: [OpportunityColumns.referralId],
      });
      expect(row?.[OpportunityColumns.referralId]).toBe(
        microsoft === 'opportunity' ? incoming.id : portal.id,
      );
      if (microsoft === 'lead')
        expect(bed.dataverse.rows(EntitySets.lead)[0]).toMatchObject({
          [LeadColumns.referralId]: incoming.id,
        });
    },
  );
});
