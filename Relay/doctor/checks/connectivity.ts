/** Reaching Dataverse and Partner Center with the relay's own credentials. */
import type { DoctorCheck } from '../check';
import { pass } from '../check';

export const dataverseReachable: DoctorCheck = {
  id: 'dataverse',
  title: 'Dataverse answers',
  async run({ config, dataverse }) {
    const me = await dataverse.whoAmI();
    return pass(`${config.dataverse.url} answers; the relay signs in as user ${me.UserId}`);
  },
};

export const partnerCenterReachable: DoctorCheck = {
  id: 'partner-center',
  title: 'Partner Center answers',
  async run({ config, partnerCenter }) {
    // One referral is enough to prove the token, the Referrals role and the network path.
    await partnerCenter.listReferrals({ top: 1 });
    return pass(`${config.partnerCenter.baseUrl} answers the Referrals API`);
  },
};
