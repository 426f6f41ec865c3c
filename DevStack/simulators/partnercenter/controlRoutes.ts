/** The control API under /_control: Microsoft's side of the deal, delivery log and fault injection. */
import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors';
import type { RouteFaults, RouteFaultSpec } from './faults';
import type { ReferralService } from './referralService';
import type { StateStore } from './state';
import type { DeliveryFaults, WebhookDispatcher } from './webhookDelivery';

export const CONTROL_PATH = '/_control';

type Obj = Record<string, unknown>;
const bodyOf = (body: unknown): Obj =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Obj) : {};
const idOf = (params: unknown) => (params as { id: string }).id;

export function registerControlRoutes(
  app: FastifyInstance,
  deps: {
    store: StateStore;
    referrals: ReferralService;
    dispatcher: WebhookDispatcher;
    routeFaults: RouteFaults;
  },
): void {
  const { store, referrals, dispatcher, routeFaults } = deps;
  const c = CONTROL_PATH;

  app.get(`${c}/state`, async () => ({
    referrals: store.state.referrals,
    registration: store.state.registration,
  }));
  app.post(`${c}/reset`, async () => {
    store.reset();
    routeFaults.clear();
    dispatcher.faults = { drop: 0, duplicate: 0, reorder: 0 };
    return { reset: true };
  });

  app.post(`${c}/referrals/incoming`, async (req, reply) =>
    reply.code(201).send(referrals.createIncoming(req.body ?? {})),
  );
  app.post(`${c}/referrals/:id/engage`, async (req) => {
    const body = bodyOf(req.body);
    if (body.notes !== undefined && typeof body.notes !== 'string')
      throw badRequest('notes must be a string');
    return referrals.engage(idOf(req.params), {
      msxId: typeof body.msxId === 'string' ? body.msxId : undefined,
      seller: body.seller && typeof body.seller === 'object' ? (body.seller as Obj) : undefined,
      notes: body.notes as string | undefined,
    });
  });
  app.post(`${c}/referrals/:id/microsoft-update`, async (req) => {
    const body = bodyOf(req.body);
    if (body.dealValue !== undefined && typeof body.dealValue !== 'number')
      throw badRequest('dealValue must be a number');
    for (const key of ['closingDateTime', 'notes', 'substatus']) {
      if (body[key] !== undefined && typeof body[key] !== 'string')
        throw badRequest(`${key} must be a string`);
    }
    return referrals.microsoftUpdate(
      idOf(req.params),
      body as { dealValue?: number; closingDateTime?: string; notes?: string; substatus?: string },
    );
  });
  app.post(`${c}/referrals/:id/expire`, async (req) => referrals.expire(idOf(req.params)));
  app.post(`${c}/referrals/portal`, async (req, reply) =>
    reply.code(201).send(referrals.createInPortal(req.body ?? {})),
  );
  app.post(`${c}/referrals/:id/portal-update`, async (req) => {
    const body = bodyOf(req.body);
    for (const key of ['status', 'substatus', 'statusReason']) {
      if (body[key] !== undefined && typeof body[key] !== 'string')
        throw badRequest(`${key} must be a string`);
    }
    if (body.solutions !== undefined && !Array.isArray(body.solutions))
      throw badRequest('solutions must be an array of solution tags');
    return referrals.portalUpdate(
      idOf(req.params),
      body as { status?: string; substatus?: string; statusReason?: string; solutions?: unknown[] },
    );
  });

  app.get(`${c}/deliveries`, async (req) => {
    const q = req.query as { eventName?: string; status?: string };
    return store.state.deliveries.filter(
      (d) => (!q.eventName || d.eventName === q.eventName) && (!q.status || d.status === q.status),
    );
  });
  app.delete(`${c}/deliveries`, async (_req, reply) => {
    store.state.deliveries = [];
    store.save();
    return reply.code(204).send();
  });
  app.post(`${c}/deliveries/release`, async () => ({ released: dispatcher.release() }));
  app.post(`${c}/deliveries/wait-idle`, async () => {
    await dispatcher.whenIdle();
    return { idle: true };
  });

  app.get(`${c}/faults`, async () => routeFaults.list());
  app.post(`${c}/faults`, async (req, reply) =>
    reply.code(201).send(routeFaults.add(bodyOf(req.body) as unknown as RouteFaultSpec)),
  );
  app.delete(`${c}/faults`, async (_req, reply) => {
    routeFaults.clear();
    return reply.code(204).send();
  });

  app.get(`${c}/delivery-faults`, async () => dispatcher.faults);
  app.put(`${c}/delivery-faults`, async (req) => {
    const body = bodyOf(req.body);
    const next: DeliveryFaults = { ...dispatcher.faults };
    for (const key of ['drop', 'duplicate', 'reorder'] as const) {
      if (body[key] === undefined) continue;
      if (!Number.isInteger(body[key]) || (body[key] as number) < 0)
        throw badRequest(`${key} must be a non-negative integer`);
      next[key] = body[key] as number;
    }
    if (body.copies !== undefined) {
      if (!Number.isInteger(body.copies) || (body.copies as number) < 2)
        throw badRequest('copies must be an integer of at least 2');
      next.copies = body.copies as number;
    }
    dispatcher.faults = next;
    return next;
  });
  app.delete(`${c}/delivery-faults`, async (_req, reply) => {
    dispatcher.faults = { drop: 0, duplicate: 0, reorder: 0 };
    return reply.code(204).send();
  });
}
