import { parseReferral, referralIdFromResourceUri, ValidationError } from '../../../Domain';

describe('parseReferral', () => {
  it('names the exact path of a wrong value', () => {
    expect(() => parseReferral({ details: { dealValue: 'abc' } })).toThrow(ValidationError);
    expect(() => parseReferral({ customerProfile: { team: [{ email: 5 }] } })).toThrow(
      /^\$\.customerProfile\.team\[0\]\.email: /,
    );
  });

  it('keeps unknown properties', () => {
    expect(parseReferral({ name: 'x', lastRunId: 'r1' })).toEqual({ name: 'x', lastRunId: 'r1' });
  });
});

describe('referralIdFromResourceUri', () => {
  it('takes the last path segment whatever the host', () => {
    expect(
      referralIdFromResourceUri('https://api.partnercenter.microsoft.com/engagements/v1/referrals/abc-1'),
    ).toBe('abc-1');
  });
});
