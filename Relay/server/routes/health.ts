/** GET /healthz (store reachable, queue depth, last reconciliation) and GET /metrics (Prometheus text). */
import type { FastifyInstance } from 'fastify';
import { WATERMARKS } from '../../sync/reconcile';
import type { RelayServerDeps } from '../app';

export function registerHealth(app: FastifyInstance, deps: RelayServerDeps): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      const queue = await deps.store.depth();
      // The opportunities watermark is the start of the last reconciliation that completed.
      const lastReconciliation = await deps.store.getState(WATERMARKS.opportunities);
      return { status: 'ok', queue, lastReconciliation };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', error: (error as Error).message });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
