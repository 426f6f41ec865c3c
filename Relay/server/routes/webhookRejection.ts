/** A webhook a verifier refused: counted, logged without its secrets, answered with its precise 4xx. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RelayServerDeps } from '../app';
import { sendError } from '../errors';
import { noteOutcome } from '../requestLog';

export interface WebhookRejection {
  status: number;
  reason: string;
  /** Answered to the caller, who may not be authenticated. */
  message: string;
  /** Logged only. */
  detail?: string;
}

export function rejectWebhook(
  deps: RelayServerDeps,
  source: 'dataverse' | 'partnercenter',
  request: FastifyRequest,
  reply: FastifyReply,
  rejection: WebhookRejection,
): FastifyReply {
  deps.metrics.webhooks.inc({ source, result: 'rejected' });
  noteOutcome(
    request,
    'webhook rejected',
    { source, reason: rejection.reason, detail: rejection.detail },
    'warn',
  );
  return sendError(request, reply, rejection.status, rejection.reason, rejection.message);
}
