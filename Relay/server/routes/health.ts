/** GET /healthz (store reachable, queue depth) and GET /metrics (Prometheus text). */
import type { FastifyInstance } from 'fastify';
import type { RelayServerDeps } from '../app';

export function registerHealth(app: FastifyInstance, deps: RelayServerDeps): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      const queue = await deps.store.depth();
      return { status: 'ok', queue };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', error: (error as Error).message });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
