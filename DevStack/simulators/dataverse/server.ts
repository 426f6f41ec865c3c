/**
 * HTTP adapter of the simulator (fastify on 127.0.0.1): `/api/data/v9.2/*` → WebApi, `/_control/*` →
 * fault injection, webhook delivery log and drain. Only adapts requests and Dataverse-shaped errors.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AsyncService } from './asyncService';
import type { DeliveryFaults, DeliveryFaultSettings } from './deliveryFaults';
import { badRequest, DataverseError, ErrorCodes } from './errors';
import type { EventPipeline } from './events';
import type { Faults, FaultSettings } from './faults';
import { resolveCaller } from './identity';
import type { IdentityOptions } from './identity';
import type { RecordStore } from './store';
import { API_PATH } from './webApi';
import type { SimResponse, WebApi } from './webApi';

export interface ServerDeps {
  webApi: WebApi;
  store: RecordStore;
  pipeline: EventPipeline;
  faults: Faults;
  deliveryFaults: DeliveryFaults;
  asyncJobs: AsyncService;
  identity: IdentityOptions;
  /** Removes every row and re-seeds (POST /_control/reset). */
  reset: () => void;
}

function send(reply: FastifyReply, requestId: string, response: SimResponse): FastifyReply {
  void reply.code(response.status);
  void reply.headers({ ...response.headers, REQ_ID: requestId, 'x-ms-service-request-id': requestId });
  if (response.body === undefined) return reply.send();
  return reply.send(typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  // Every body is read as text: JSON, multipart $batch and base64 solution files alike.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const requestId = randomUUID();
    try {
      await deps.faults.apply();
      const url = new URL(request.url, 'http://127.0.0.1');
      const path = decodeURIComponent(url.pathname.slice(API_PATH.length));
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(request.headers))
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      const caller = resolveCaller(deps.store, headers, deps.identity);
      const response = await deps.webApi.handle({
        method: request.method,
        path,
        query: url.searchParams,
        headers,
        body: typeof request.body === 'string' ? request.body : '',
        caller,
      });
      return send(reply, requestId, response);
    } catch (error) {
      const failure =
        error instanceof DataverseError
          ? error
          : new DataverseError(
              500,
              ErrorCodes.invalidArgument,
              `Unexpected simulator error: ${(error as Error).message}`,
            );
      return send(reply, requestId, {
        status: failure.status,
        headers: { 'content-type': 'application/json; odata.metadata=minimal', ...failure.headers },
        body: failure.toBody(),
      });
    }
  };
  app.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], url: `${API_PATH}*`, handler: handle });

  // Control bodies are read as text (see the content-type parser above): a bad body is a 400.
  const controlBody = (body: unknown): Record<string, unknown> => {
    if (typeof body !== 'string' || !body.trim()) return {};
    try {
      const parsed = JSON.parse(body) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw badRequest('The control request body must be a JSON object.');
  };
  const control = (
    handler: (request: FastifyRequest) => Promise<unknown>,
  ): ((request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
    return async (request, reply) => {
      try {
        return await handler(request);
      } catch (error) {
        if (!(error instanceof DataverseError)) throw error;
        return reply.code(error.status).send(error.toBody());
      }
    };
  };

  app.get('/_control/faults', async () => deps.faults.state());
  app.post(
    '/_control/faults',
    control(async (request) => {
      deps.faults.configure(controlBody(request.body) as FaultSettings);
      return deps.faults.state();
    }),
  );
  app.delete('/_control/faults', async () => {
    deps.faults.reset();
    return deps.faults.state();
  });
  app.get('/_control/delivery-faults', async () => deps.deliveryFaults.state());
  app.put(
    '/_control/delivery-faults',
    control(async (request) =>
      deps.deliveryFaults.configure(controlBody(request.body) as DeliveryFaultSettings),
    ),
  );
  app.delete('/_control/delivery-faults', async () => deps.deliveryFaults.reset());
  app.get('/_control/deliveries', async () => ({ value: deps.pipeline.deliveries }));
  app.post('/_control/deliveries/release', async () => ({ released: deps.asyncJobs.release() }));
  app.post(
    '/_control/drain',
    control(async (request) => {
      await deps.pipeline.drain({ retries: controlBody(request.body).retries === true });
      return { drained: true };
    }),
  );
  app.post(
    '/_control/system-jobs/:id/resume',
    control(async (request) => {
      const { id } = request.params as { id: string };
      if (!(await deps.asyncJobs.resume(id.toLowerCase())))
        throw new DataverseError(404, ErrorCodes.notFound, `No suspended or waiting system job ${id}.`);
      return { resumed: true };
    }),
  );
  app.post('/_control/reset', async () => {
    await deps.pipeline.drain();
    await deps.asyncJobs.reset();
    deps.deliveryFaults.reset();
    deps.reset();
    return { reset: true };
  });
  return app;
}
