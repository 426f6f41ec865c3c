/**
 * POST /webhooks/dataverse — the service endpoint our plug-in steps post RemoteExecutionContext
 * bodies to. Verify (Relay/dataverse/webhookVerification.ts) → decide (Plugins handlers) → commit
 * the jobs → 202; a refused delivery gets its precise 4xx.
 */
import type { FastifyInstance } from 'fastify';
import { WebhookPaths } from '../../../Domain/relayApi';
import { handlePluginEvent, receiptOf } from '../../../Plugins/handlers';
import { createDataverseWebhookVerifier } from '../../dataverse/webhookVerification';
import type { RelayServerDeps } from '../app';
import { noteOutcome } from '../requestLog';
import { rejectWebhook } from './webhookRejection';

export function registerDataverseWebhook(app: FastifyInstance, deps: RelayServerDeps): void {
  const verifier = createDataverseWebhookVerifier(deps.dataverseWebhook);
  app.post(WebhookPaths.dataverse, async (request, reply) => {
    const verification = verifier.verify({
      headers: request.headers,
      query: request.query as Record<string, unknown>,
      body: request.body as Buffer,
    });
    if (!verification.ok) return rejectWebhook(deps, 'dataverse', request, reply, verification);
    const { event } = verification;
    const about = {
      correlationId: event.correlationId,
      message: event.message,
      entity: event.entity,
      recordId: event.id,
    };
    const decision = handlePluginEvent(event, { integrationUserId: deps.integrationUserId });
    if (decision.skipped !== null) {
      deps.metrics.webhooks.inc({ source: 'dataverse', result: 'skipped' });
      noteOutcome(request, 'dataverse event skipped', { ...about, reason: decision.skipped });
      return reply.code(202).send({ status: 'skipped', reason: decision.skipped });
    }
    const results = await deps.store.enqueue(decision.jobs, { receipt: receiptOf(event) });
    const duplicate = results.every((r) => r.duplicate);
    deps.metrics.webhooks.inc({ source: 'dataverse', result: duplicate ? 'duplicate' : 'accepted' });
    deps.onEnqueued?.();
    noteOutcome(request, duplicate ? 'duplicate dataverse event' : 'dataverse event queued', {
      ...about,
      jobs: results,
    });
    return reply.code(202).send({
      status: duplicate ? 'duplicate' : 'queued',
      jobIds: results.map((r) => r.jobId).filter(Boolean),
    });
  });
}
