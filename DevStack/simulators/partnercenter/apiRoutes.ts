/** The Partner Center endpoints (same paths and wire formats as the real hosts); handlers only adapt. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { REFERRALS_PATH, type ReferralService } from './referralService';
import { registrationBody, SUPPORTED_EVENTS, type WebhookRegistrationService } from './webhookRegistration';
import { SimulatorError } from './errors';

export const WEBHOOKS_PATH = '/webhooks/v1/registration';

type Query = Record<string, string | undefined>;
const wantsRepresentation = (req: FastifyRequest) =>
  /return=representation/i.test(String(req.headers.prefer ?? ''));
const header = (req: FastifyRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function registerApiRoutes(
  app: FastifyInstance,
  referrals: ReferralService,
  webhooks: WebhookRegistrationService,
  origin: () => string,
): void {
  app.get(REFERRALS_PATH, async (req) => {
    const q = req.query as Query;
    const page = referrals.list({
      filter: q.$filter,
      orderby: q.$orderby,
      top: q.$top,
      skiptoken: q.$skiptoken,
    });
    // Faithful to the documented sample: context and nextLink use http:// and drop `/engagements`.
    const insecure = origin().replace(/^https:/, 'http:');
    return {
      '@odata.context': `${insecure}/v1.0/$metadata#Referrals`,
      '@odata.count': page.total,
      value: page.items,
      ...(page.skiptoken
        ? { '@odata.nextLink': `${insecure}/v1.0/referrals?$skiptoken=${page.skiptoken}` }
        : {}),
    };
  });

  app.post(REFERRALS_PATH, async (req, reply) => reply.code(201).send(referrals.create(req.body)));

  app.get(`${REFERRALS_PATH}/:id`, async (req) => ({
    '@odata.context': `${origin()}${REFERRALS_PATH}/$metadata#Referrals/$entity`,
    ...referrals.get((req.params as { id: string }).id),
  }));

  app.patch(`${REFERRALS_PATH}/:id`, async (req, reply) => {
    const updated = referrals.patch((req.params as { id: string }).id, req.body, header(req, 'if-match'));
    return wantsRepresentation(req) ? reply.code(200).send(updated) : reply.code(204).send();
  });

  app.put(`${REFERRALS_PATH}/:id`, async () => {
    throw new SimulatorError(
      405,
      40500,
      'The legacy full-replace PUT is not simulated: use PATCH with JSON Patch',
    );
  });

  app.get(WEBHOOKS_PATH, async () => registrationBody(webhooks.get()));
  app.post(WEBHOOKS_PATH, async (req) => registrationBody(webhooks.put(req.body)));
  app.put(WEBHOOKS_PATH, async (req) => registrationBody(webhooks.put(req.body)));
  app.get(`${WEBHOOKS_PATH}/events`, async () => SUPPORTED_EVENTS);
  app.post(`${WEBHOOKS_PATH}/validationEvents`, async () => webhooks.sendValidationEvent());
  app.get(`${WEBHOOKS_PATH}/validationEvents/:correlationId`, async (req) =>
    webhooks.validationStatus((req.params as { correlationId: string }).correlationId),
  );
}
