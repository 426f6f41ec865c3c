/** Every check `cosell doctor` runs, in the order an admin fixes things, and the ones the relay repeats. */
import type { DoctorCheck } from './check';
import { applicationUser } from './checks/applicationUser';
import { dataverseReachable, partnerCenterReachable } from './checks/connectivity';
import { environmentVariables } from './checks/environmentVariables';
import { fieldMaps } from './checks/fieldMaps';
import { partnerCenterWebhook } from './checks/partnerCenterWebhook';
import { queue } from './checks/queue';
import { serviceEndpoint, steps } from './checks/registration';
import { signInValid } from './checks/signIn';
import { solutionInstalled } from './checks/solution';

export * from './check';
export { configurationResult } from './checks/configuration';
export { judgeSignIn, SIGN_IN_WARNING_DAYS } from './checks/signIn';

export const DOCTOR_CHECKS: DoctorCheck[] = [
  dataverseReachable,
  partnerCenterReachable,
  signInValid,
  applicationUser,
  solutionInstalled,
  environmentVariables,
  serviceEndpoint,
  steps,
  partnerCenterWebhook,
  fieldMaps,
  queue,
];

/** What another tool or admin can change under a running relay: checked on a schedule by the relay. */
export const REGISTRATION_CHECKS: DoctorCheck[] = [serviceEndpoint, steps, partnerCenterWebhook];
