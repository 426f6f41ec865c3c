/** POST /dev/token {userId} → {access_token, expires_in}: registered only in sandbox mode. */
import type { FastifyInstance } from 'fastify';
import { isGuid } from '../../../Domain/ids';
import type { DevIssuer } from '../../auth/devIssuer';
import { sendError } from '../errors';

export const DEV_TOKEN_PATH = '/dev/token';

export function registerDevToken(app: FastifyInstance, issuer: DevIssuer): void {
  app.post(DEV_TOKEN_PATH, async (request, reply) => {
    const userId = (request.body as { userId?: unknown } | undefined)?.userId;
    if (typeof userId !== 'string' || !isGuid(userId)) {
      return sendError(request, reply, 400, 'invalidUserId', 'Send { "userId": "<systemuserid GUID>" }.');
    }
    return issuer.issue(userId.toLowerCase());
  });
}
