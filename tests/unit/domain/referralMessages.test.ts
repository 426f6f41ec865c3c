import * as classic from 'zod';
import { parseReferral } from '../../../Domain';

const messageOf = (input: unknown) => {
  try {
    parseReferral(input);
  } catch (error) {
    return (error as Error).message;
  }
  return 'valid';
};

describe('parseReferral messages', () => {
  const cases: [unknown, string][] = [
    [
      { details: { closingDateTime: 'tomorrow' } },
      '$.details.closingDateTime: expected an ISO 8601 date-time such as 2025-11-14T00:00:00Z',
    ],
    [{ details: { dealValue: 'ten' } }, '$.details.dealValue: expected a number'],
    [{ customerProfile: { team: [{ email: 5 }] } }, '$.customerProfile.team[0].email: expected string'],
    [{ status: 'Done' }, '$.status: expected one of None, Unknown, New, Active, Closed'],
    [{ team: {} }, '$.team: expected array'],
  ];

  it.each(cases)('say what was expected (%j)', (input, message) => {
    expect(messageOf(input)).toBe(message);
  });

  it('read the same once classic zod has installed its English locale in the process', () => {
    expect(classic.z.string().safeParse(1).error?.issues[0]?.message).toMatch(
      /^Invalid input: expected string/,
    );
    for (const [input, message] of cases) expect(messageOf(input)).toBe(message);
  });
});
