/** The control's deadline and Microsoft-side view models, against an injected clock, in the three languages. */
import { ReferralStatusOptions, ReferralSubstatusOptions } from '../../../Domain/constants';
import { dealSideFromRow, webApiData } from '../../../PCFControls/PartnerCenterSync/data';
import { StringKeys } from '../../../PCFControls/PartnerCenterSync/strings';
import {
  deadlineText,
  expiryView,
  microsoftStatusKey,
  referralView,
} from '../../../PCFControls/PartnerCenterSync/viewModel';
import { FakeClock } from '../../testkit/clock';
import { FakeWebApi, OPPORTUNITY_ID } from './fakeContext';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const incoming = referralView({
  referralId: 'r-1',
  referralLink: null,
  referralStatus: ReferralStatusOptions.New,
  referralSubstatus: ReferralSubstatusOptions.Pending,
  microsoftCrmId: null,
});

describe('deadlineText', () => {
  it('counts whole days, then hours, then minutes, in the user language', () => {
    expect(deadlineText(3.5 * DAY, 'en-US')).toBe('in 3 days');
    expect(deadlineText(13.9 * DAY, 'en-US')).toBe('in 13 days');
    expect(deadlineText(1.2 * DAY, 'en-US')).toBe('in 1 day');
    expect(deadlineText(5 * HOUR, 'pt-BR')).toBe('em 5 horas');
    expect(deadlineText(2 * DAY, 'es-ES')).toBe('dentro de 2 días');
    expect(deadlineText(-2 * HOUR, 'en-US')).toBe('2 hours ago');
    expect(deadlineText(30_000, 'en-US')).toBe('in 0 minutes');
  });
});

describe('expiryView (injected clock)', () => {
  const clock = new FakeClock('2026-03-01T12:00:00Z');
  const expiresOn = new Date('2026-03-06T12:00:00Z');
  const view = () => expiryView({ expiresOn, estimated: false, referral: incoming }, clock.now(), 'en-US');

  it('plain five days ahead, warning under three days, expired once passed', () => {
    clock.set('2026-03-01T12:00:00Z');
    expect(view()).toMatchObject({ relative: 'in 5 days', warning: false, expired: false });
    clock.advance(2 * DAY);
    expect(view()).toMatchObject({ relative: 'in 3 days', warning: false });
    clock.advance(1);
    expect(view()).toMatchObject({ relative: 'in 2 days', warning: true, expired: false });
    clock.advance(4 * DAY);
    expect(view()).toMatchObject({ relative: '1 day ago', warning: false, expired: true });
  });

  it('says when it is estimated, and shows nothing once the referral is answered or without a date', () => {
    expect(
      expiryView({ expiresOn, estimated: true, referral: incoming }, clock.now(), 'pt-BR'),
    ).toMatchObject({ estimated: true, date: expect.stringContaining('2026') });
    const accepted = { ...incoming!, statusKey: StringKeys.ReferralStatus_Active };
    expect(expiryView({ expiresOn, estimated: false, referral: accepted }, clock.now(), 'en-US')).toBeNull();
    expect(
      expiryView({ expiresOn: null, estimated: false, referral: incoming }, clock.now(), 'en-US'),
    ).toBeNull();
    expect(expiryView({ expiresOn, estimated: false, referral: null }, clock.now(), 'en-US')).toBeNull();
  });
});

describe('dealSide', () => {
  it('reads expiry and Microsoft columns in one $select, and maps them', async () => {
    const webAPI = new FakeWebApi({
      opportunity: {
        [OPPORTUNITY_ID]: {
          pcs_referralexpireson: '2026-03-06T12:00:00Z',
          pcs_referralexpiryestimated: true,
          pcs_microsoftsellername: 'Mia Seller',
          pcs_microsoftselleremail: 'mia.seller@microsoft.example',
          pcs_microsoftengagedon: '2026-03-01T10:00:00Z',
          pcs_microsoftstatus: ReferralSubstatusOptions.Won,
          pcs_microsoftnotes: 'Signed',
        },
      },
    });
    const side = await webApiData(webAPI).dealSide(`{${OPPORTUNITY_ID.toUpperCase()}}`);
    expect(webAPI.calls).toEqual([
      {
        op: 'retrieve',
        table: 'opportunity',
        id: OPPORTUNITY_ID,
        options:
          '?$select=pcs_referralexpireson,pcs_referralexpiryestimated,pcs_microsoftsellername,' +
          'pcs_microsoftselleremail,pcs_microsoftengagedon,pcs_microsoftupdatedon,pcs_microsoftnotes,pcs_microsoftstatus',
      },
    ]);
    expect(side).toEqual({
      expiresOn: new Date('2026-03-06T12:00:00Z'),
      expiryEstimated: true,
      microsoft: {
        sellerName: 'Mia Seller',
        sellerEmail: 'mia.seller@microsoft.example',
        engagedOn: new Date('2026-03-01T10:00:00Z'),
        updatedOn: null,
        notes: 'Signed',
        status: ReferralSubstatusOptions.Won,
      },
    });
    expect(microsoftStatusKey(ReferralSubstatusOptions.Won)).toBe(StringKeys.ReferralSubstatus_Won);
  });

  it('is empty before Microsoft engaged and when nothing expires', () => {
    expect(dealSideFromRow({ pcs_referralexpireson: null, pcs_microsoftsellername: null })).toEqual({
      expiresOn: null,
      expiryEstimated: false,
      microsoft: null,
    });
  });
});
