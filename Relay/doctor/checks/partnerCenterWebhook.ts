/**
 * Partner Center keeps one webhook registration per tenant and the last PUT wins (partner-center-api.md
 * §5): another tool — Microsoft's connector, a second relay — can take the referral events over without
 * anyone noticing until deals stop arriving.
 */
import { WebhookPaths } from '../../../Domain/relayApi';
import { PARTNER_CENTER_EVENTS } from '../../config/setup';
import type { DoctorCheck } from '../check';
import { fail, pass } from '../check';

const SETUP = 'run `cosell setup` to register this relay';

export const partnerCenterWebhook: DoctorCheck = {
  id: 'partner-center-webhook',
  title: 'Partner Center webhook points at this relay',
  async run({ config, partnerCenter }) {
    if (!config.publicUrl)
      return fail(
        'COSELL_PUBLIC_URL is not set',
        'set COSELL_PUBLIC_URL to the https address Partner Center calls',
      );
    const url = `${config.publicUrl.replace(/\/+$/, '')}${WebhookPaths.partnerCenter}`;
    const registration = await partnerCenter.getWebhookRegistration();
    if (!registration) return fail('the tenant has no webhook registration', SETUP);
    if (registration.webhookUrl !== url)
      return fail(
        `the tenant's webhook registration now points at ${registration.webhookUrl}, not this relay (${url}): another tool took it over`,
        "turn the other tool's referral sync off (e.g. Microsoft's connector flows), then run `cosell setup` to take the registration back",
      );
    const missing = PARTNER_CENTER_EVENTS.filter((event) => !registration.webhookEvents.includes(event));
    if (missing.length) return fail(`the registration lacks the events ${missing.join(', ')}`, SETUP);
    return pass(`the webhook registration sends ${registration.webhookEvents.length} events to ${url}`);
  },
};
