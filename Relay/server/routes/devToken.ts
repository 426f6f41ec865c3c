/** POST /dev/token {userId} → {access_token, expires_in}: registered only in sandbox mode. */
import type { FastifyInstance } from 'fastify';
import { isGuid } from '../../../Domain/ids';
import type { DevIssuer } from '../../auth/devIssuer';
import { sendError } from '../errors';

export const DEV_TOKEN_PATH = '/dev/token';

/**
 * The form knows the user's systemuserid; a token names the user by their Entra ID object id (`oid`),
 * which Dataverse maps back to the systemuser. The route asks Dataverse for that id, so a sandbox token
 * acts as the same Dynamics user the form shows (falling back to the id given when the user has none).
 */
export type EntraObjectIdOf = (systemUserId: string) => Promise<string | null>;

export function registerDevToken(
  app: FastifyInstance,
  issuer: DevIssuer,
  objectIdOf?: EntraObjectIdOf,
): void {
  app.post(DEV_TOKEN_PATH, async (request, reply) => {
    const userId = (request.body as { userId?: unknown } | undefined)?.userId;
    if (typeof userId !== 'string' || !isGuid(userId)) {
      return sendError(request, reply, 400, 'invalidUserId', 'Send { "userId": "<systemuserid GUID>" }.');
    }
    const systemUserId = userId.toLowerCase();
    const objectId = objectIdOf ? await objectIdOf(systemUserId).catch(() => null) : null;
    return issuer.issue(objectId?.toLowerCase() ?? systemUserId);
  });
}
