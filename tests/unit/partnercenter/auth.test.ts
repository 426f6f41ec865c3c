import type { AuthenticationResult } from '@azure/msal-node';
import { ApiError } from '../../../Relay/ports';
import { createRefreshTokenProvider, type MsalTokenClient } from '../../../Relay/partnercenter';

let now = new Date('2025-01-01T00:00:00Z');
const clock = { now: () => now };

function fakeMsal(fail?: Error) {
  const calls: string[] = [];
  const result = (scopes: string[]) =>
    ({
      accessToken: `token-${calls.length}-${scopes[0]}`,
      expiresOn: new Date(now.getTime() + 3600_000),
      account: { homeAccountId: 'h' },
    }) as unknown as AuthenticationResult;
  const msal: MsalTokenClient = {
    async acquireTokenByRefreshToken({ scopes }) {
      calls.push(`refresh ${scopes[0]}`);
      if (fail) throw fail;
      return result(scopes);
    },
    async acquireTokenSilent({ scopes }) {
      calls.push(`silent ${scopes[0]}`);
      return result(scopes);
    },
  };
  return { msal, calls };
}

const options = { tenantId: 't', clientId: 'c', refreshToken: 'SECRET-REFRESH-TOKEN', clock };

it('redeems the refresh token per audience, caches until 5 minutes before expiry, shares concurrent requests', async () => {
  const { msal, calls } = fakeMsal();
  const provider = createRefreshTokenProvider({ ...options, msal });
  const [a, b] = await Promise.all([provider.getToken('referrals'), provider.getToken('referrals')]);
  expect(a).toBe(b);
  await provider.getToken('webhooks');
  expect(calls).toEqual([
    'refresh https://api.partner.microsoft.com/.default',
    'silent https://api.partnercenter.microsoft.com/.default',
  ]);
  now = new Date(now.getTime() + 54 * 60_000);
  await provider.getToken('referrals');
  expect(calls).toHaveLength(2);
  now = new Date(now.getTime() + 2 * 60_000);
  await provider.getToken('referrals');
  expect(calls[2]).toBe('silent https://api.partner.microsoft.com/.default');
});

it.each([
  [
    'AADSTS700082: The refresh token has expired due to inactivity.',
    'AADSTS700082',
    /Sign in again interactively/,
  ],
  [
    'AADSTS50076: Due to a configuration change … you must use multi-factor authentication',
    'AADSTS50076',
    /MFA/,
  ],
  ['AADSTS65001: The user or administrator has not consented', 'AADSTS65001', /consent/],
  ['AADSTS7000215: Invalid client secret provided.', 'AADSTS7000215', /client secret/],
])('turns %s into an actionable 401 ApiError without secrets', async (message, code, advice) => {
  const failure = Object.assign(new Error(message), {
    errorCode: 'invalid_grant',
    errorMessage: `${message} refresh_token=SECRET-REFRESH-TOKEN`,
  });
  const provider = createRefreshTokenProvider({ ...options, msal: fakeMsal(failure).msal });
  const error = (await provider.getToken('referrals').catch((e: unknown) => e)) as ApiError;
  expect(error).toBeInstanceOf(ApiError);
  expect(error.details).toMatchObject({ service: 'partnercenter', status: 401, code });
  expect(error.message).toMatch(advice);
  expect(`${error.message} ${String((error.details.cause as Error).message)}`).not.toContain(
    'SECRET-REFRESH-TOKEN',
  );
});
