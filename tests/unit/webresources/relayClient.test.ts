/**
 * The relay client against a real HTTP server on 127.0.0.1: routes, headers, bodies, and every way a
 * call can fail (401, 4xx, 5xx, timeout, unreachable), in the seller's language.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RelayRoutes, type LiveStatusResponse } from '../../../Domain';
import { createRelayClient, RelayError, type TokenProvider } from '../../../WebResources/relayClient';
import { hang, json, startRecordingServer, type RecordingServer } from '../../testkit/recordingServer';
import { PARTNER_CENTER_PAYLOADS } from '../../testkit/paths';

const liveReferral = JSON.parse(
  readFileSync(path.join(PARTNER_CENTER_PAYLOADS, 'referral-get-by-id.response.json'), 'utf8'),
);

const OPPORTUNITY_ID = '{6F9619FF-8B86-D011-B42D-00C04FC964FF}';
const BARE_ID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.close();
});

function tokens(): TokenProvider & jest.Mock {
  let n = 0;
  return jest.fn(async () => `token-${++n}`) as TokenProvider & jest.Mock;
}

async function failureOf(promise: Promise<unknown>): Promise<RelayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return error as RelayError;
  }
  throw new Error('expected the call to fail');
}

describe('createRelayClient: success', () => {
  it('POSTs sync now to the opportunity route with the bearer token and reads the 202 body', async () => {
    server.answer(json(202, { jobId: 'job-1', status: 'queued' }));
    const client = createRelayClient({ baseUrl: `${server.url}/`, getToken: tokens() });

    await expect(client.syncNow(OPPORTUNITY_ID)).resolves.toEqual({ jobId: 'job-1', status: 'queued' });

    const [request] = server.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(RelayRoutes.syncNow(BARE_ID));
    expect(request?.headers.authorization).toBe('Bearer token-1');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers['accept-language']).toBe('en-US');
  });

  it('asks preview for messages in the user language (lcid query and Accept-Language)', async () => {
    const preview = {
      action: 'blocked',
      problems: [{ code: 'solutionMissing', table: 'pcs_microsoftsolution' }],
      messages: ['Adicione pelo menos uma solução da Microsoft.'],
    };
    server.answer(json(200, preview));
    const client = createRelayClient({ baseUrl: server.url, getToken: tokens(), lcid: 1046 });

    await expect(client.preview(OPPORTUNITY_ID)).resolves.toEqual(preview);
    expect(server.received[0]?.url).toBe(`${RelayRoutes.preview(BARE_ID)}?lcid=1046`);
    expect(server.received[0]?.headers['accept-language']).toBe('pt-BR');
  });

  it('returns the live referral exactly as the relay sends it (real Partner Center referral)', async () => {
    server.answer(json(200, { referral: liveReferral }));
    const client = createRelayClient({ baseUrl: server.url, getToken: tokens() });

    const live: LiveStatusResponse = await client.liveStatus(BARE_ID);
    expect(live.referral?.id).toBe(liveReferral.id);
    expect(live.referral).toEqual(liveReferral);
    expect(server.received[0]?.method).toBe('GET');
    expect(server.received[0]?.url).toBe(RelayRoutes.liveStatus(BARE_ID));
  });

  it('sends accept with an empty JSON body and decline with the reason', async () => {
    server.answer(json(202, { jobId: 'a', status: 'queued' }), json(202, { jobId: 'd', status: 'queued' }));
    const client = createRelayClient({ baseUrl: server.url, getToken: tokens() });

    await client.accept(OPPORTUNITY_ID);
    await client.decline(OPPORTUNITY_ID, 'Customer went with another partner');

    expect(server.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', RelayRoutes.accept(BARE_ID), '{}'],
      [
        'POST',
        RelayRoutes.decline(BARE_ID),
        JSON.stringify({ reason: 'Customer went with another partner' }),
      ],
    ]);
    expect(server.received[1]?.headers['content-type']).toBe('application/json');
  });

  it('keeps a path prefix of the base URL', async () => {
    server.answer(json(200, { referral: null }));
    const client = createRelayClient({ baseUrl: `${server.url}/relay`, getToken: tokens() });
    await expect(client.liveStatus(BARE_ID)).resolves.toEqual({ referral: null });
    expect(server.received[0]?.url).toBe(`/relay${RelayRoutes.liveStatus(BARE_ID)}`);
  });
});

describe('createRelayClient: 401', () => {
  it('retries once with a refreshed token, then succeeds', async () => {
    server.answer(
      json(401, { error: { code: 'tokenExpired', message: 'expired' } }),
      json(200, { referral: null }),
    );
    const getToken = tokens();
    const client = createRelayClient({ baseUrl: server.url, getToken });

    await expect(client.liveStatus(BARE_ID)).resolves.toEqual({ referral: null });
    expect(getToken.mock.calls).toEqual([[{ forceRefresh: false }], [{ forceRefresh: true }]]);
    expect(server.received.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it.each([
    [1033, "You couldn't be signed in"],
    [1046, 'Não foi possível entrar'],
    [3082, 'No se pudo iniciar sesión'],
  ])('rejects with kind unauthorized when the fresh token is refused too (lcid %i)', async (lcid, text) => {
    server.answer(
      json(401, { error: { code: 'invalidToken', message: 'bad audience', requestId: 'r-401' } }),
    );
    const client = createRelayClient({ baseUrl: server.url, getToken: tokens(), lcid });

    const error = await failureOf(client.syncNow(BARE_ID));
    expect(error.kind).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalidToken');
    expect(error.requestId).toBe('r-401');
    expect(error.message).toContain(text);
    expect(error.message).not.toContain('token-');
    expect(server.received).toHaveLength(2);
  });

  it('turns a failing token provider into kind unauthorized without calling the relay', async () => {
    const client = createRelayClient({
      baseUrl: server.url,
      getToken: async () => {
        throw new Error('popup_window_error');
      },
    });
    const error = await failureOf(client.preview(BARE_ID));
    expect(error.kind).toBe('unauthorized');
    expect((error as { cause?: Error }).cause?.message).toBe('popup_window_error');
    expect(server.received).toHaveLength(0);
  });
});

describe('createRelayClient: other failures', () => {
  it.each([
    [503, 'server', 'Nothing is lost'],
    [500, 'server', 'Nothing is lost'],
    [504, 'timeout', 'did not answer in time'],
    [403, 'forbidden', 'Partner Center Co-sell Seller'],
    [404, 'notFound', 'Save it first'],
  ])('maps HTTP %i to kind %s', async (status, kind, text) => {
    server.answer(json(status, { error: { code: `http${status}`, message: 'detail', requestId: 'req-9' } }));
    const client = createRelayClient({ baseUrl: server.url, getToken: tokens() });

    const error = await failureOf(client.syncNow(BARE_ID));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.code).toBe(`http${status}`);
    expect(error.serverMessage).toBe('detail');
    expect(error.requestId).toBe('req-9');
    expect(error.message).toContain(text);
  });

  it('shows the relay reason for a refused request (400)', async () => {
    server.answer(
      json(400, { error: { code: 'notNew', message: 'Only referrals in status New can be accepted.' } }),
    );
    const client = createRelayClient({ baseUrl: server.url, getToken: tokens(), lcid: 3082 });

    const error = await failureOf(client.accept(BARE_ID));
    expect(error.kind).toBe('badRequest');
    expect(error.message).toBe(
      'El servicio de sincronización del Centro de partners rechazó la solicitud. Only referrals in status New can be accepted.',
    );
  });

  it('reads a 5xx with a non-JSON body defensively', async () => {
    server.answer({
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: '<html>Bad gateway</html>',
    });
    const client = createRelayClient({ baseUrl: server.url, getToken: tokens() });
    const error = await failureOf(client.liveStatus(BARE_ID));
    expect(error.kind).toBe('server');
    expect(error.status).toBe(502);
    expect(error.code).toBeUndefined();
  });

  it('treats a 200 that is not JSON (a login page) as a server failure', async () => {
    server.answer({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>Sign in</html>' });
    const client = createRelayClient({ baseUrl: server.url, getToken: tokens() });
    expect((await failureOf(client.liveStatus(BARE_ID))).kind).toBe('server');
  });

  it('gives up after timeoutMs with kind timeout', async () => {
    server.answer(hang);
    const client = createRelayClient({
      baseUrl: server.url,
      getToken: tokens(),
      timeoutMs: 100,
      lcid: 1046,
    });

    const error = await failureOf(client.preview(BARE_ID));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('não respondeu a tempo');
    expect(error.message).toContain('Nada foi perdido');
  });

  it.each([
    [1033, 'Nothing is lost: your changes are still sent to Partner Center when you save the opportunity.'],
    [
      1046,
      'Nada foi perdido: suas alterações ainda são enviadas ao Partner Center quando você salva a oportunidade.',
    ],
    [
      3082,
      'No se pierde nada: los cambios se siguen enviando al Centro de partners al guardar la oportunidad.',
    ],
  ])('says nothing is lost when the relay is unreachable (lcid %i)', async (lcid, text) => {
    const deadUrl = server.url;
    await server.close();
    server = await startRecordingServer(); // afterEach closes this one
    const client = createRelayClient({ baseUrl: deadUrl, getToken: tokens(), lcid });

    const error = await failureOf(client.syncNow(BARE_ID));
    expect(error.kind).toBe('unreachable');
    expect(error.status).toBeUndefined();
    expect(error.message).toContain(text);
    // Node's fetch rejects with a TypeError from another realm than jest's, so compare by name.
    expect((error as { cause?: { name?: string } }).cause?.name).toBe('TypeError');
  });
});
