/** Per-route fault injection: throttling (429 + Retry-After), server errors and added latency. */
import { randomUUID } from 'node:crypto';
import { badRequest } from './errors';

export interface RouteFaultSpec {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Path prefix to match (query ignored), e.g. `/v1.0/engagements/referrals`. */
  path: string;
  /** Answer with this status instead of running the route (e.g. 429, 500, 503). */
  status?: number;
  /** Retry-After header value (seconds or HTTP date) sent with `status`. */
  retryAfter?: string | number;
  /** Delay before handling (or before the fault status). */
  latencyMs?: number;
  /** How many matching requests to affect; default 1, 0 = until cleared. */
  count?: number;
}

export interface RouteFault extends RouteFaultSpec {
  id: string;
  /** Requests still to affect; null = unlimited. */
  remaining: number | null;
  hits: number;
}

export class RouteFaults {
  private faults: RouteFault[] = [];

  add(spec: RouteFaultSpec): RouteFault {
    if (typeof spec.path !== 'string' || !spec.path.startsWith('/'))
      throw badRequest('path must start with /');
    if (
      spec.status !== undefined &&
      (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)
    ) {
      throw badRequest('status must be an HTTP error status (400-599)');
    }
    if (spec.status === undefined && !spec.latencyMs) throw badRequest('give status and/or latencyMs');
    const count = spec.count ?? 1;
    const fault: RouteFault = {
      ...spec,
      method: spec.method?.toUpperCase(),
      id: randomUUID(),
      remaining: count === 0 ? null : count,
      hits: 0,
    };
    this.faults.push(fault);
    return fault;
  }

  list(): RouteFault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first active fault for this request, consuming one use of it. */
  take(method: string, path: string): RouteFault | undefined {
    const fault = this.faults.find(
      (f) => (!f.method || f.method === method.toUpperCase()) && path.startsWith(f.path) && f.remaining !== 0,
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== null) fault.remaining--;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }
}
