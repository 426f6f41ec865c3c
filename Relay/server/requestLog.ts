/**
 * One log line per request, written once its answer has gone: what the route noted about the outcome
 * (a webhook's jobs, a refusal's reason) followed by method, route pattern, status and time. A route
 * line plus a separate request line cost a webhook delivery, the relay's busiest path, twice the
 * serialisation, redaction and write (bench/README.md, ingest profile).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Never below info: the line stands for the request, which info always logged. */
type OutcomeLevel = 'info' | 'warn';

interface RequestOutcome {
  level: OutcomeLevel;
  message: string;
  fields: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the route through noteOutcome; written by the request's one log line. */
    outcome: RequestOutcome | null;
  }
}

/** What the request's log line says instead of `request` (the last note wins). */
export function noteOutcome(
  request: FastifyRequest,
  message: string,
  fields: Record<string, unknown>,
  level: OutcomeLevel = 'info',
): void {
  request.outcome = { level, message, fields };
}

export function registerRequestLog(app: FastifyInstance): void {
  app.decorateRequest('outcome', null);
  app.addHook('onResponse', async (request, reply) => {
    const outcome = request.outcome;
    // routeOptions.url is the route pattern: never the query string that carries the webhook key.
    const line = {
      ...outcome?.fields,
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (outcome) request.log[outcome.level](line, outcome.message);
    else request.log.info(line, 'request');
  });
}
