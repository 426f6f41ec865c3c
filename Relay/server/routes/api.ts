/**
 * /api/* for the form scripts and the PCF control (Domain `RelayRoutes`). Each route: bearer token
 * (jose, tenant JWKS) → the user may read (preview, live status) or change (sync, accept, decline)
 * this opportunity (Dataverse, on the user's behalf) → delegate to the queue or the preview. Dead
 * letters need the admin app role.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LiveStatusResponse, SyncNowResponse } from '../../../Domain/relayApi';
import { OpportunityColumns, EntitySets } from '../../../Domain/constants';
import { normalizeGuid } from '../../../Domain/ids';
import { AuthError } from '../../auth/tokens';
import type { AuthenticatedUser } from '../../auth/tokens';
import { opportunityRespondJob, opportunitySyncJob } from '../../ports';
import { lcidFrom, previewOpportunity } from '../../sync/preview';
import type { RelayServerDeps } from '../app';
import { sendError } from '../errors';

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthenticatedUser;
  }
}

export function registerApi(app: FastifyInstance, deps: RelayServerDeps): void {
  app.register(async (api) => {
    api.addHook('preHandler', async (request, reply) => {
      try {
        request.user = await deps.tokens.verify(request.headers.authorization);
      } catch (error) {
        if (error instanceof AuthError)
          return sendError(request, reply, error.status, error.code, error.message);
        throw error;
      }
    });

    /**
     * Guard: a well-formed id the caller may read (`read`) or change (`write`: sync, accept, decline);
     * answers the error itself and returns null.
     */
    const opportunityFor = async (
      request: FastifyRequest,
      reply: FastifyReply,
      needs: 'read' | 'write',
    ): Promise<string | null> => {
      const id = normalizeGuid((request.params as { id: string }).id);
      if (!id) {
        sendError(request, reply, 400, 'invalidId', 'The opportunity id must be a GUID.');
        return null;
      }
      const permission =
        needs === 'write'
          ? await deps.permissions.canActOnOpportunity(request.user!, id)
          : await deps.permissions.canReadOpportunity(request.user!, id);
      if (permission === 'allowed') return id;
      if (permission === 'notFound')
        sendError(request, reply, 404, 'notFound', 'No such opportunity, or you cannot see it.');
      else if (permission === 'readOnly')
        sendError(
          request,
          reply,
          403,
          'writeAccessRequired',
          'You can see this opportunity but not change it in Dynamics 365: syncing it or answering its Microsoft referral needs write access to it (its owner, or a role that reaches it).',
        );
      else
        sendError(
          request,
          reply,
          403,
          'forbidden',
          'You do not have access to this opportunity in Dynamics 365.',
        );
      return null;
    };
    const queued = async (reply: FastifyReply, jobId: string | null) => {
      deps.onEnqueued?.();
      const body: SyncNowResponse = { jobId: jobId ?? '', status: 'queued' };
      return reply.code(202).send(body);
    };

    api.post('/api/opportunities/:id/sync', async (request, reply) => {
      const id = await opportunityFor(request, reply, 'write');
      if (!id) return reply;
      const [result] = await deps.store.enqueue([
        opportunitySyncJob({ opportunityId: id, reason: 'Sync now' }, request.id),
      ]);
      return queued(reply, result?.jobId ?? null);
    });

    api.get('/api/opportunities/:id/preview', async (request, reply) => {
      const id = await opportunityFor(request, reply, 'read');
      if (!id) return reply;
      return previewOpportunity(deps.sync, id, lcidFrom(request.query, request.headers['accept-language']));
    });

    api.get('/api/opportunities/:id/referral', async (request, reply) => {
      const id = await opportunityFor(request, reply, 'read');
      if (!id) return reply;
      const record = await deps.sync.dataverse.retrieve(EntitySets.opportunity, id, {
        select: [OpportunityColumns.referralId],
      });
      const referralId = record[OpportunityColumns.referralId] as string | null | undefined;
      const body: LiveStatusResponse = {
        referral: referralId
          ? await deps.sync.partnerCenter.getReferral(referralId, { correlationId: request.id })
          : null,
      };
      return body;
    });

    for (const action of ['accept', 'decline'] as const) {
      api.post(`/api/opportunities/:id/${action}`, async (request, reply) => {
        const reason = (request.body as { reason?: unknown } | undefined)?.reason;
        if (reason !== undefined && typeof reason !== 'string') {
          return sendError(request, reply, 400, 'invalidReason', 'reason must be a string.');
        }
        if (action === 'decline' && !reason?.trim()) {
          return sendError(
            request,
            reply,
            400,
            'reasonRequired',
            'Say why the referral is declined (reason).',
          );
        }
        const id = await opportunityFor(request, reply, 'write');
        if (!id) return reply;
        const [result] = await deps.store.enqueue([
          opportunityRespondJob({ opportunityId: id, action, reason: reason?.trim() || null }, request.id),
        ]);
        return queued(reply, result?.jobId ?? null);
      });
    }

    const requireAdmin = (request: FastifyRequest, reply: FastifyReply): boolean => {
      if (request.user?.roles.includes(deps.adminRole)) return true;
      sendError(request, reply, 403, 'forbidden', `Dead letters need the ${deps.adminRole} app role.`);
      return false;
    };

    api.get('/api/dead-letters', async (request, reply) => {
      if (!requireAdmin(request, reply)) return reply;
      const jobs = await deps.store.listDeadLetters();
      return { deadLetters: jobs };
    });

    api.post('/api/dead-letters/:id/retry', async (request, reply) => {
      if (!requireAdmin(request, reply)) return reply;
      const { id } = request.params as { id: string };
      if (!(await deps.store.retryDeadLetter(id, deps.clock.now()))) {
        return sendError(request, reply, 404, 'notFound', `No dead letter ${id}.`);
      }
      return queued(reply, id);
    });

    api.delete('/api/dead-letters/:id', async (request, reply) => {
      if (!requireAdmin(request, reply)) return reply;
      const { id } = request.params as { id: string };
      if (!(await deps.store.discardDeadLetter(id))) {
        return sendError(request, reply, 404, 'notFound', `No dead letter ${id}.`);
      }
      return reply.code(204).send();
    });
  });
}
