/**
 * The Referrals-admin sign-in: Entra ID refresh tokens expire after 90 days unless used, each use
 * giving a new one (https://learn.microsoft.com/entra/identity-platform/refresh-tokens#token-lifetime);
 * a relay that stopped for weeks, or a token revoked, needs a new `cosell login partner-center`.
 */
import type { SignInStatus } from '../../ports';
import type { DoctorCheck } from '../check';
import { fail, pass } from '../check';

/** Warn this long before the stored sign-in expires. */
export const SIGN_IN_WARNING_DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

const LOGIN = 'run `cosell login partner-center` as the Referrals-admin account';

/** ✔/✖ of one stored sign-in at `now`; the relay's scheduled warning says the same. */
export function judgeSignIn(status: SignInStatus, now: Date): { ok: boolean; detail: string; fix?: string } {
  const days = Math.floor((status.expiresAt.getTime() - now.getTime()) / DAY_MS);
  const when = status.expiresAt.toISOString().slice(0, 10);
  if (days < 0) return fail(`the sign-in of ${status.username} expired on ${when}`, LOGIN);
  if (days < SIGN_IN_WARNING_DAYS)
    return fail(
      `the sign-in of ${status.username} expires in ${days} day(s), on ${when}`,
      `${LOGIN} before ${when}`,
    );
  return pass(`signed in as ${status.username}; the stored token expires on ${when} (in ${days} days)`);
}

export const signInValid: DoctorCheck = {
  id: 'sign-in',
  title: 'Partner Center sign-in valid',
  async run({ config, signIn, clock }) {
    if (config.sandbox) return pass('sandbox: the simulators need no sign-in');
    const status = await signIn?.read();
    if (status) return judgeSignIn(status, clock.now());
    if (config.partnerCenter.refreshToken)
      return fail(
        'the relay uses COSELL_PC_REFRESH_TOKEN, whose expiry nobody tracks',
        `${LOGIN}, then remove COSELL_PC_REFRESH_TOKEN`,
      );
    return fail('nobody signed in to Partner Center', LOGIN);
  },
};
