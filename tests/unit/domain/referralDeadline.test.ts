/**
 * When an unanswered incoming referral expires, with an injected clock: Partner Center's
 * `expirationDateTime` when it gives one (the published 2019 samples: not created + 14 days), else
 * created + 14 days marked as estimated; nothing expires once answered or for our own referrals.
 */
import { LeadColumns, OpportunityColumns } from '../../../Domain/constants';
import type { Referral } from '../../../Domain/referral';
import {
  EXPIRY_WARNING_MS,
  expiryColumns,
  expiryState,
  referralExpiry,
} from '../../../Domain/referralDeadline';
import { FakeClock } from '../../testkit/clock';
import { publishedInvalidJson } from '../../testkit/fixtureFiles';

const listSample = publishedInvalidJson('referrals-list-2019-11.response.invalid-json.txt') as {
  value: Referral[];
};
const byIdSample = publishedInvalidJson('referral-get-by-id-2019-11.response.invalid-json.txt') as Referral;
const DAY = 24 * 3600_000;

describe('referralExpiry', () => {
  it('takes expirationDateTime from the published incoming samples, though it is not created + 14 days', () => {
    const [first, second] = listSample.value;
    expect(referralExpiry(first!)).toEqual({ expiresOn: '2018-11-13T00:00:00.000Z', estimated: false });
    expect(referralExpiry(second!)).toEqual({ expiresOn: '2018-11-06T00:00:00.000Z', estimated: false });
    expect(referralExpiry(byIdSample)).toEqual({ expiresOn: '2018-11-06T00:00:00.000Z', estimated: false });
    const days = (r: Referral) => (Date.parse(r.expirationDateTime!) - Date.parse(r.createdDateTime!)) / DAY;
    expect(days(first!)).toBeCloseTo(13.1, 1);
    expect(days(second!)).toBeCloseTo(7.1, 1);
  });

  it('estimates created + 14 days when Partner Center gives none', () => {
    const { expirationDateTime: _dropped, ...withoutExpiry } = listSample.value[0]!;
    expect(referralExpiry(withoutExpiry)).toEqual({
      expiresOn: new Date(Date.parse('2018-10-30T21:03:42.4579542Z') + 14 * DAY).toISOString(),
      estimated: true,
    });
    expect(referralExpiry({ ...withoutExpiry, expirationDateTime: null })).toMatchObject({ estimated: true });
  });

  it('nothing expires once answered, for our own outgoing referrals, or without any date', () => {
    const sample = listSample.value[0]!;
    for (const status of ['Active', 'Closed'] as const)
      expect(
        referralExpiry({ ...sample, status, substatus: status === 'Active' ? 'Accepted' : 'Won' }),
      ).toBeNull();
    expect(referralExpiry({ ...sample, direction: 'Outgoing' })).toBeNull();
    expect(referralExpiry({ status: 'New' })).toBeNull();
    expect(
      referralExpiry({ status: 'New', expirationDateTime: 'soon' as never, createdDateTime: null }),
    ).toBeNull();
  });

  it('writes the opportunity or lead columns, and clears them once the referral is answered', () => {
    const sample = listSample.value[1]!;
    expect(expiryColumns(sample)).toEqual({
      [OpportunityColumns.referralExpiresOn]: '2018-11-06T00:00:00.000Z',
      [OpportunityColumns.referralExpiryEstimated]: false,
    });
    expect(expiryColumns({ ...sample, status: 'Active' }, 'lead')).toEqual({
      [LeadColumns.referralExpiresOn]: null,
      [LeadColumns.referralExpiryEstimated]: null,
    });
  });
});

describe('expiryState (injected clock)', () => {
  it('warns under three days, says expired once passed', () => {
    const clock = new FakeClock('2026-03-01T12:00:00Z');
    const expiresOn = new Date('2026-03-05T12:00:00Z');
    expect(expiryState(expiresOn, clock.now())).toEqual({ msLeft: 4 * DAY, warning: false, expired: false });
    clock.advance(DAY);
    expect(expiryState(expiresOn, clock.now())).toMatchObject({ warning: false, msLeft: EXPIRY_WARNING_MS });
    clock.advance(1);
    expect(expiryState(expiresOn, clock.now())).toMatchObject({ warning: true, expired: false });
    clock.advance(3 * DAY - 1);
    expect(expiryState(expiresOn, clock.now())).toEqual({ msLeft: 0, warning: false, expired: true });
  });
});
