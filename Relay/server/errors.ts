/** Every non-2xx answer of the relay: `{ error: { code, message, requestId } }` (Domain RelayErrorBody). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RelayErrorBody } from '../../Domain/relayApi';

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  const body: RelayErrorBody = { error: { code, message, requestId: request.id } };
  return reply.code(status).type('application/json').send(body);
}
