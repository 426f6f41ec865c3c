/**
 * POST /webhooks/partner-center — Partner Center's thin, signed callbacks. The signature is
 * verified over the raw bytes before anything else is trusted; the event only names a referral, so
 * the job GETs it later (order and duplicates do not matter). An event for a change Dynamics 365
 * already holds (sync/heldVersion.ts) queues nothing. `test-created` is recorded for `cosell setup`'s
 * delivery check.
 */
import type { FastifyInstance } from 'fastify';
import { REFERRAL_WEBHOOK_EVENTS, referralIdFromResourceUri } from '../../../Domain/referral';
import { WebhookPaths } from '../../../Domain/relayApi';
import { referralPullJob } from '../../ports';
import { isHeldChange } from '../../sync/heldVersion';
import type { RelayServerDeps } from '../app';
import { noteOutcome } from '../requestLog';
import { rejectWebhook } from './webhookRejection';

/** State key of the last `test-created` delivery (read by `cosell setup`). */
export const LAST_TEST_EVENT_KEY = 'partnercenter:lastTestEvent';

const RELATED = new Set(['related-referral-created', 'related-referral-updated']);

export function registerPartnerCenterWebhook(app: FastifyInstance, deps: RelayServerDeps): void {
  app.post(WebhookPaths.partnerCenter, async (request, reply) => {
    const reject = (status: number, reason: string, message: string, detail?: string) =>
      rejectWebhook(deps, 'partnercenter', request, reply, { status, reason, message, detail });
    if (!request.headers['content-type']?.toLowerCase().startsWith('application/json')) {
      return reject(415, 'unsupportedMediaType', 'Partner Center events are application/json.');
    }
    const verification = await deps.partnerCenterVerifier.verify(request.headers, request.body as Buffer);
    if (!verification.ok) {
      const { status, reason, message, detail } = verification;
      return reject(status, reason, message, detail);
    }
    const event = verification.event;
    if (event.EventName === 'test-created') {
      await deps.store.setState(
        LAST_TEST_EVENT_KEY,
        JSON.stringify({ resourceUri: event.ResourceUri, receivedAt: deps.clock.now().toISOString() }),
      );
      deps.metrics.webhooks.inc({ source: 'partnercenter', result: 'test' });
      return reply.code(202).send({ status: 'received' });
    }
    if (!(REFERRAL_WEBHOOK_EVENTS as readonly string[]).includes(event.EventName)) {
      deps.metrics.webhooks.inc({ source: 'partnercenter', result: 'ignored' });
      return reply
        .code(202)
        .send({ status: 'ignored', reason: `event ${event.EventName} is not a referral event` });
    }
    const referralId = verification.referralId ?? referralIdFromResourceUri(event.ResourceUri);
    if (!referralId) return reject(400, 'invalidEvent', 'ResourceUri names no referral.');
    const related = RELATED.has(event.EventName);
    // The echo of our own write (or a late copy of a change we hold): no job, no read.
    if (!related && (await isHeldChange(deps.store, referralId, event.ResourceChangeUtcDate))) {
      deps.metrics.webhooks.inc({ source: 'partnercenter', result: 'held' });
      return reply.code(202).send({ status: 'held', jobId: null });
    }
    const job = referralPullJob(
      { referralId, eventName: event.EventName, changedAt: event.ResourceChangeUtcDate },
      related,
      request.id,
    );
    // No event id exists (partner-center-api.md §5.3): a redelivery repeats URI + change time.
    const [result] = await deps.store.enqueue([job], {
      receipt: `partnercenter:${event.EventName}:${event.ResourceUri}:${event.ResourceChangeUtcDate}`,
    });
    deps.metrics.webhooks.inc({
      source: 'partnercenter',
      result: result?.duplicate ? 'duplicate' : 'accepted',
    });
    deps.onEnqueued?.();
    noteOutcome(request, 'partner center event queued', {
      referralId,
      eventName: event.EventName,
      job: result,
    });
    return reply
      .code(202)
      .send({ status: result?.duplicate ? 'duplicate' : 'queued', jobId: result?.jobId ?? null });
  });
}
