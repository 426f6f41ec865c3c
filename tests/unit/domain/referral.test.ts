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
      referralIdFromResourceUri(
        'https://api.partnercenter.microsoft.com/engagements/v1/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37',
      ),
    ).toBe('c5fbb3b6-be74-4795-9fb5-4324c73fed37');
    expect(
      referralIdFromResourceUri(
        'https://api.partner.microsoft.com/v1.0/engagements/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37/',
      ),
    ).toBe('c5fbb3b6-be74-4795-9fb5-4324c73fed37');
  });
});
