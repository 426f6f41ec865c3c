/**
 * POST /webhooks/dataverse — the service endpoint our plug-in steps post RemoteExecutionContext
 * bodies to. Guards in order (content type, key, JSON, shape), each with its own status and JSON
 * error; the key is checked before the body is parsed; jobs are committed before the 202.
 */
import type { FastifyInstance } from 'fastify';
import { parseRemoteExecutionContext } from '../../../Domain/pluginEvent';
import { ValidationError } from '../../../Domain/referral';
import { handlePluginEvent, receiptOf } from '../../../Plugins/handlers';
import type { RelayServerDeps } from '../app';
import { sendError } from '../errors';
import { secretsEqual } from './webhookAuth';

export const DATAVERSE_WEBHOOK_PATH = '/webhooks/dataverse';

export function registerDataverseWebhook(app: FastifyInstance, deps: RelayServerDeps): void {
  const { dataverseWebhook } = deps;
  app.post(DATAVERSE_WEBHOOK_PATH, async (request, reply) => {
    const reject = (status: number, code: string, message: string) => {
      deps.metrics.webhooks.inc({ source: 'dataverse', result: 'rejected' });
      return sendError(request, reply, status, code, message);
    };
    if (!request.headers['content-type']?.toLowerCase().startsWith('application/json')) {
      return reject(415, 'unsupportedMediaType', 'Send the RemoteExecutionContext as application/json.');
    }
    const presented = dataverseWebhook.header
      ? request.headers[dataverseWebhook.header.toLowerCase()]
      : (request.query as Record<string, unknown>).code;
    if (typeof presented !== 'string' || presented.length === 0) {
      const where = dataverseWebhook.header
        ? `the ${dataverseWebhook.header} header`
        : 'the code query parameter';
      return reject(401, 'missingKey', `The webhook key is missing from ${where}.`);
    }
    if (!secretsEqual(presented, dataverseWebhook.key)) {
      return reject(
        401,
        'invalidKey',
        'The webhook key does not match the one registered by `cosell setup`.',
      );
    }
    let body: unknown;
    try {
      // Dataverse bodies can start with a UTF-8 BOM, which JSON.parse rejects.
      body = JSON.parse((request.body as Buffer).toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      return reject(400, 'invalidJson', 'The body is not valid JSON.');
    }
    let event;
    try {
      event = parseRemoteExecutionContext(body);
    } catch (error) {
      if (error instanceof ValidationError) {
        return reject(400, 'invalidExecutionContext', `Not a RemoteExecutionContext: ${error.message}`);
      }
      throw error;
    }
    const log = request.log.child({
      correlationId: event.correlationId,
      message: event.message,
      entity: event.entity,
      recordId: event.id,
    });
    const decision = handlePluginEvent(event, { integrationUserId: deps.integrationUserId });
    if (decision.skipped !== null) {
      deps.metrics.webhooks.inc({ source: 'dataverse', result: 'skipped' });
      log.debug({ reason: decision.skipped }, 'dataverse event skipped');
      return reply.code(202).send({ status: 'skipped', reason: decision.skipped });
    }
    const results = await deps.store.enqueue(decision.jobs, { receipt: receiptOf(event) });
    const duplicate = results.every((r) => r.duplicate);
    deps.metrics.webhooks.inc({ source: 'dataverse', result: duplicate ? 'duplicate' : 'accepted' });
    deps.onEnqueued?.();
    log.info({ jobs: results }, duplicate ? 'duplicate dataverse event' : 'dataverse event queued');
    return reply.code(202).send({
      status: duplicate ? 'duplicate' : 'queued',
      jobIds: results.map((r) => r.jobId).filter(Boolean),
    });
  });
}
