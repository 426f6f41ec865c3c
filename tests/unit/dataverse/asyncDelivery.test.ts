/**
 * Asynchronous webhook steps as system jobs: the retry schedule (driven by resuming jobs with a
 * fixed clock, so no assertion depends on time passing), suspension on 401, recovery after a
 * restart, and the drop / duplicate / delay delivery faults with their control API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_ASYNC_RETRY_POLICY,
  retryDelayMs,
  startDataverseSimulator,
} from '../../../DevStack/simulators/dataverse';
import type { DataverseSimulator, DataverseSimulatorOptions } from '../../../DevStack/simulators/dataverse';
import { FakeClock } from '../../testkit/clock';
import { startRecordingServer } from '../../testkit/recordingServer';
import type { RecordingServer } from '../../testkit/recordingServer';

const MINUTE = 60_000;
const NOW = '2026-03-01T12:00:00.000Z';

let hook: RecordingServer;
beforeAll(async () => {
  hook = await startRecordingServer();
});
afterAll(() => hook.close());
beforeEach(() => {
  hook.received.length = 0;
  hook.answer({ status: 200 });
});

// OData bodies of several shapes; each assertion reads the fields it needs.
/* eslint-disable @typescript-eslint/no-explicit-any */
async function call(sim: DataverseSimulator, method: string, url: string, body?: unknown) {
  const response = await fetch(url.startsWith('/') ? sim.url + url : sim.apiUrl + url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text ? JSON.parse(text) : undefined) as any,
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const idOf = (r: { headers: Headers }) =>
  /\(([0-9a-f-]{36})\)$/.exec(r.headers.get('odata-entityid') ?? '')![1]!;

async function simulator(options: DataverseSimulatorOptions = {}): Promise<DataverseSimulator> {
  const sim = await startDataverseSimulator({ port: 0, clock: new FakeClock(NOW), ...options });
  return sim;
}

/** An asynchronous Create step on opportunity posting to the recording server (as SYSTEM). */
async function registerAsyncCreateStep(sim: DataverseSimulator): Promise<string> {
  const endpoint = await call(sim, 'POST', 'serviceendpoints', {
    name: 'relay',
    contract: 8,
    url: `${hook.url}/hook`,
    authtype: 4,
    authvalue: 'hook-key',
  });
  const message = await call(sim, 'GET', `sdkmessages?$select=sdkmessageid&$filter=name eq 'Create'`);
  const messageId = message.json.value[0].sdkmessageid as string;
  const filter = await call(
    sim,
    'GET',
    `sdkmessagefilters?$select=sdkmessagefilterid&$filter=primaryobjecttypecode eq 'opportunity' and _sdkmessageid_value eq ${messageId}`,
  );
  const step = await call(sim, 'POST', 'sdkmessageprocessingsteps', {
    name: 'Partner Center co-sell: Create of opportunity',
    stage: 40,
    mode: 1,
    rank: 1,
    asyncautodelete: false,
    'sdkmessageid@odata.bind': `/sdkmessages(${messageId})`,
    'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${filter.json.value[0].sdkmessagefilterid})`,
    'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${idOf(endpoint)})`,
  });
  expect(step.status).toBe(204);
  return idOf(step);
}

async function createOpportunity(sim: DataverseSimulator, name: string): Promise<string> {
  const created = await call(sim, 'POST', 'opportunities', { name });
  expect(created.status).toBe(204);
  return idOf(created);
}

const job = async (sim: DataverseSimulator, id: string) =>
  (await call(sim, 'GET', `asyncoperations(${id})`)).json as Record<string, unknown>;

const namesReceived = () => hook.received.map((r) => JSON.parse(r.body).PrimaryEntityId as string);

describe('the retry schedule of a failed asynchronous delivery (our assumption, see README)', () => {
  it('is 1, 2, 4 … minutes capped at 60, for 10 attempts', () => {
    expect(DEFAULT_ASYNC_RETRY_POLICY.maxAttempts).toBe(10);
    const waits = Array.from(
      { length: 9 },
      (_, i) => retryDelayMs(DEFAULT_ASYNC_RETRY_POLICY, i + 1) / MINUTE,
    );
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('parks the job as Suspended/Waiting with postponeuntil, then Failed after the last attempt', async () => {
    const sim = await simulator(); // timeScale 1: no retry fires while the test resumes by hand
    try {
      const stepId = await registerAsyncCreateStep(sim);
      hook.answer({ status: 500 });
      await createOpportunity(sim, 'Never accepted');
      await sim.drain();

      const [delivery] = sim.deliveries();
      expect(delivery).toMatchObject({ status: 'waiting', retryCount: 1, mode: 'asynchronous' });
      const jobId = delivery!.systemJobId!;
      const postponed: string[] = [];
      for (let attempt = 1; attempt < 10; attempt++) {
        const row = await job(sim, jobId);
        expect(row).toMatchObject({ statecode: 1, statuscode: 10, retrycount: attempt });
        postponed.push(String(row.postponeuntil));
        expect(await sim.resumeSystemJob(jobId)).toBe(true);
        await sim.drain();
      }
      const waits = postponed.map((at) => (Date.parse(at) - Date.parse(NOW)) / MINUTE);
      expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);

      const failed = await call(
        sim,
        'GET',
        `asyncoperations?$select=name,friendlymessage,errorcode,message,completedon&$filter=statuscode eq 31 and _owningextensionid_value eq ${stepId}`,
      );
      expect(failed.json.value).toHaveLength(1);
      expect(failed.json.value[0]).toMatchObject({
        name: 'Partner Center co-sell: Create of opportunity',
        errorcode: 0x80044306 | 0,
        completedon: NOW,
      });
      expect(failed.json.value[0].message).toContain('HTTP 500');
      expect(hook.received).toHaveLength(10);
      expect(new Set(hook.received.map((r) => r.body)).size).toBe(1); // the same body every time
      expect(sim.deliveries()[0]).toMatchObject({ status: 'failed', ok: false });
    } finally {
      await sim.close();
    }
  });

  it('retries by itself (time scaled to zero) until the receiver answers 2xx', async () => {
    const sim = await simulator({ asyncRetry: { timeScale: 0 } });
    try {
      await registerAsyncCreateStep(sim);
      hook.answer({ hangUp: true }, { status: 500 }, { status: 502 }, { status: 200 });
      const id = await createOpportunity(sim, 'Eventually delivered');
      await sim.drain({ retries: true });

      const [delivery] = sim.deliveries();
      // network error, 500, then 502 answered by the documented immediate extra attempt (200).
      expect(delivery!.attempts.map((a) => a.status)).toEqual([null, 500, 502, 200]);
      expect(delivery).toMatchObject({ status: 'delivered', ok: true, retryCount: 2 });
      expect(await job(sim, delivery!.systemJobId!)).toMatchObject({
        statecode: 3,
        statuscode: 30,
        retrycount: 2,
        completedon: NOW,
      });
      expect(namesReceived()).toEqual([id, id, id, id]);
    } finally {
      await sim.close();
    }
  });

  it('suspends the job on 401 (no postpone date) until it is resumed through the control API', async () => {
    const sim = await simulator({ asyncRetry: { timeScale: 0 } });
    try {
      await registerAsyncCreateStep(sim);
      hook.answer({ status: 401 }, { status: 200 });
      await createOpportunity(sim, 'Wrong key');
      await sim.drain({ retries: true });
      const [delivery] = sim.deliveries();
      expect(delivery).toMatchObject({ status: 'suspended' });
      expect(await job(sim, delivery!.systemJobId!)).toMatchObject({
        statecode: 1,
        statuscode: 10,
        postponeuntil: null,
      });
      expect(hook.received).toHaveLength(1);

      const resumed = await call(sim, 'POST', `/_control/system-jobs/${delivery!.systemJobId}/resume`);
      expect(resumed.status).toBe(200);
      await sim.drain({ retries: true });
      expect(sim.deliveries()[0]).toMatchObject({ status: 'delivered' });
      expect((await call(sim, 'POST', `/_control/system-jobs/${delivery!.systemJobId}/resume`)).status).toBe(
        404,
      );
    } finally {
      await sim.close();
    }
  });

  it('carries on with a waiting job after the simulator restarts', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dataverse-jobs-'));
    try {
      const first = await simulator({ dataDir });
      await registerAsyncCreateStep(first);
      hook.answer({ status: 503 });
      const id = await createOpportunity(first, 'Survives a restart');
      await first.drain();
      expect(first.deliveries()[0]).toMatchObject({ status: 'waiting' });
      await first.close();

      hook.answer({ status: 200 });
      const second = await simulator({ dataDir, asyncRetry: { timeScale: 0 } });
      try {
        await second.drain({ retries: true });
        expect(second.deliveries()).toMatchObject([{ status: 'delivered', id }]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('delivery faults (PUT /_control/delivery-faults)', () => {
  let sim: DataverseSimulator;
  beforeAll(async () => {
    sim = await simulator();
    await registerAsyncCreateStep(sim);
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    expect((await call(sim, 'DELETE', '/_control/delivery-faults')).status).toBe(200);
  });

  it('drop loses the next n deliveries: logged as dropped, no system job, nothing posted', async () => {
    const before = sim.deliveries().length;
    const put = await call(sim, 'PUT', '/_control/delivery-faults', { drop: 1 });
    expect(put.json).toMatchObject({ drop: 1 });
    const lost = await createOpportunity(sim, 'Lost');
    const kept = await createOpportunity(sim, 'Kept');
    await sim.drain();
    expect(namesReceived()).toEqual([kept]);
    const log = sim.deliveries().slice(before);
    expect(log).toMatchObject([
      { id: lost, status: 'dropped', attempts: [] },
      { id: kept, status: 'delivered' },
    ]);
    expect(log[0]!.systemJobId).toBeUndefined();
    expect((await call(sim, 'GET', '/_control/delivery-faults')).json).toMatchObject({ drop: 0 });
  });

  it('duplicate sends the next n deliveries `copies` times, each copy its own system job', async () => {
    const before = sim.deliveries().length;
    sim.setDeliveryFaults({ duplicate: 1, copies: 3 });
    const id = await createOpportunity(sim, 'Three times');
    await sim.drain();
    expect(namesReceived()).toEqual([id, id, id]);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    const log = sim.deliveries().slice(before);
    expect(log).toHaveLength(3);
    expect(log.slice(1).map((d) => d.copyOf)).toEqual([log[0]!.deliveryId, log[0]!.deliveryId]);
    expect(new Set(log.map((d) => d.systemJobId)).size).toBe(3);
  });

  it('delay holds the next n deliveries until released, then sends them newest first', async () => {
    sim.setDeliveryFaults({ delay: 2 });
    const first = await createOpportunity(sim, 'First');
    const second = await createOpportunity(sim, 'Second');
    const third = await createOpportunity(sim, 'Third (not held)');
    await sim.drain();
    expect(namesReceived()).toEqual([third]);
    expect(
      sim
        .deliveries()
        .filter((d) => d.status === 'held')
        .map((d) => d.id),
    ).toEqual([first, second]);

    const released = await call(sim, 'POST', '/_control/deliveries/release');
    expect(released.json).toEqual({ released: 2 });
    await sim.drain();
    expect(namesReceived()).toEqual([third, second, first]);
  });

  it('delay with delayMs sends on its own; drain waits for it', async () => {
    sim.setDeliveryFaults({ delay: 1, delayMs: 5 });
    const id = await createOpportunity(sim, 'A little late');
    await sim.drain();
    expect(namesReceived()).toEqual([id]);
  });

  it('rates drop a repeatable share of deliveries for a given seed', async () => {
    const run = async () => {
      hook.received.length = 0;
      sim.setDeliveryFaults({ rates: { drop: 0.3 }, seed: 42 });
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await createOpportunity(sim, `Rated ${i}`));
      await sim.drain();
      return ids.map((id) => namesReceived().includes(id));
    };
    const once = await run();
    const again = await run();
    expect(again).toEqual(once);
    const dropped = once.filter((arrived) => !arrived).length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(20);
  });

  it('rejects a bad setting with 400 and changes nothing', async () => {
    sim.setDeliveryFaults({ drop: 2 });
    for (const body of [{ drop: -1 }, { duplicate: 1.5 }, { rates: { drop: 2 } }, { copies: 1 }, '[1]']) {
      const response = await call(sim, 'PUT', '/_control/delivery-faults', body);
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe('0x80040203');
    }
    expect((await call(sim, 'GET', '/_control/delivery-faults')).json).toMatchObject({ drop: 2 });
  });

  it('never affects synchronous steps', async () => {
    const sync = await simulator();
    try {
      const endpoint = await call(sync, 'POST', 'serviceendpoints', {
        name: 'relay',
        contract: 8,
        url: `${hook.url}/hook`,
        authtype: 4,
        authvalue: 'k',
      });
      const message = await call(sync, 'GET', `sdkmessages?$select=sdkmessageid&$filter=name eq 'Create'`);
      const messageId = message.json.value[0].sdkmessageid as string;
      const filter = await call(
        sync,
        'GET',
        `sdkmessagefilters?$select=sdkmessagefilterid&$filter=primaryobjecttypecode eq 'opportunity' and _sdkmessageid_value eq ${messageId}`,
      );
      await call(sync, 'POST', 'sdkmessageprocessingsteps', {
        name: 'sync step',
        stage: 40,
        mode: 0,
        'sdkmessageid@odata.bind': `/sdkmessages(${messageId})`,
        'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${filter.json.value[0].sdkmessagefilterid})`,
        'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${idOf(endpoint)})`,
      });
      sync.setDeliveryFaults({ drop: 5 });
      hook.answer({ status: 500 });
      const failed = await call(sync, 'POST', 'opportunities', { name: 'sync' });
      expect(failed.status).toBe(400); // one attempt, no system job, no retry
      expect(hook.received).toHaveLength(1);
      expect(sync.deliveries()).toMatchObject([{ mode: 'synchronous', status: 'failed' }]);
      expect((await call(sync, 'GET', 'asyncoperations')).json.value).toEqual([]);
    } finally {
      await sync.close();
    }
  });
});
