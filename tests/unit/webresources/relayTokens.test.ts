/**
 * Where the relay token comes from: the sandbox's development issuer (real HTTP on 127.0.0.1), MSAL
 * silent SSO with a popup only on interaction_required (fake MSAL app), and the environment variables
 * that choose between them.
 */
import {
  InteractionRequiredAuthError,
  type AccountInfo,
  type AuthenticationResult,
} from '@azure/msal-browser';
import { EnvironmentVariableColumns, EnvironmentVariables, RelayRoutes } from '../../../Domain';
import {
  createDevTokenProvider,
  createRelayClientForUser,
  DEV_TOKEN_PATH,
  readEnvironmentVariable,
  RelayError,
  type MsalApp,
  type WebApiReader,
} from '../../../WebResources/relayClient';
import { createMsalTokenProvider } from '../../../WebResources/relayClient/relayAuthLibrary';
import { json, startRecordingServer, type RecordingServer } from '../../testkit/recordingServer';

const USER_ID = '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.close();
});

describe('createDevTokenProvider (sandbox)', () => {
  it('POSTs the bare user id to /dev/token and caches the token until a minute before expiry', async () => {
    let clock = 1_000_000;
    server.answer(
      json(200, { access_token: 'dev-1', expires_in: 3600 }),
      json(200, { access_token: 'dev-2', expires_in: 3600 }),
    );
    const getToken = createDevTokenProvider({
      relayBaseUrl: `${server.url}/`,
      userId: USER_ID,
      now: () => clock,
    });

    await expect(getToken()).resolves.toBe('dev-1');
    await expect(getToken()).resolves.toBe('dev-1');
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({ method: 'POST', url: DEV_TOKEN_PATH });
    expect(JSON.parse(server.received[0]!.body)).toEqual({ userId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    expect(server.received[0]!.headers['content-type']).toBe('application/json');

    clock += 3600_000 - 60_000 + 1;
    await expect(getToken()).resolves.toBe('dev-2');
    expect(server.received).toHaveLength(2);
  });

  it('fetches a new token when forced (after a 401)', async () => {
    server.answer(
      json(200, { access_token: 'dev-1', expires_in: 3600 }),
      json(200, { access_token: 'dev-2', expires_in: 3600 }),
    );
    const getToken = createDevTokenProvider({ relayBaseUrl: server.url, userId: USER_ID });
    await getToken();
    await expect(getToken({ forceRefresh: true })).resolves.toBe('dev-2');
  });

  it('rejects with kind unauthorized when the issuer answers without a token', async () => {
    server.answer(json(200, { expires_in: 3600 }));
    const getToken = createDevTokenProvider({ relayBaseUrl: server.url, userId: USER_ID });
    await expect(getToken()).rejects.toMatchObject({ kind: 'unauthorized' });
  });

  it('rejects with the kind of the HTTP failure (relay not in sandbox mode → 404)', async () => {
    server.answer(json(404, { error: { code: 'notFound', message: 'no such route' } }));
    const getToken = createDevTokenProvider({ relayBaseUrl: server.url, userId: USER_ID });
    await expect(getToken()).rejects.toMatchObject({ kind: 'notFound', status: 404 });
  });
});

const account = (username: string): AccountInfo =>
  ({
    homeAccountId: `${username}-home`,
    environment: 'login.microsoftonline.com',
    tenantId: 't',
    username,
    localAccountId: 'l',
  }) as AccountInfo;

const result = (token: string, forAccount: AccountInfo): AuthenticationResult =>
  ({ accessToken: token, account: forAccount }) as AuthenticationResult;

function fakeMsal(overrides: Partial<MsalApp> = {}): MsalApp & Record<keyof MsalApp, jest.Mock> {
  const seller = account('seller@contoso.com');
  return {
    initialize: jest.fn(async () => undefined),
    getActiveAccount: jest.fn(() => null),
    getAllAccounts: jest.fn(() => []),
    setActiveAccount: jest.fn(),
    acquireTokenSilent: jest.fn(async () => result('silent', seller)),
    ssoSilent: jest.fn(async () => result('sso', seller)),
    acquireTokenPopup: jest.fn(async () => result('popup', seller)),
    ...overrides,
  } as MsalApp & Record<keyof MsalApp, jest.Mock>;
}

describe('createMsalTokenProvider', () => {
  const scopes = ['api://relay-app/.default'];

  it('uses ssoSilent with the Dynamics login hint when MSAL knows no account yet, then remembers it', async () => {
    const msal = fakeMsal();
    const getToken = createMsalTokenProvider({
      clientId: 'relay-app',
      loginHint: 'seller@contoso.com',
      msal,
    });

    await expect(getToken()).resolves.toBe('sso');
    expect(msal.initialize).toHaveBeenCalledTimes(1);
    expect(msal.ssoSilent).toHaveBeenCalledWith({ scopes, loginHint: 'seller@contoso.com' });
    expect(msal.setActiveAccount).toHaveBeenCalledWith(
      expect.objectContaining({ username: 'seller@contoso.com' }),
    );
    expect(msal.acquireTokenPopup).not.toHaveBeenCalled();
  });

  it('uses acquireTokenSilent for the cached account matching the login hint, passing forceRefresh', async () => {
    const other = account('someone.else@contoso.com');
    const seller = account('Seller@Contoso.com');
    const msal = fakeMsal({ getAllAccounts: jest.fn(() => [other, seller]) });
    const getToken = createMsalTokenProvider({
      clientId: 'relay-app',
      loginHint: 'seller@contoso.com',
      msal,
    });

    await expect(getToken({ forceRefresh: true })).resolves.toBe('silent');
    expect(msal.acquireTokenSilent).toHaveBeenCalledWith({ scopes, account: seller, forceRefresh: true });
    expect(msal.ssoSilent).not.toHaveBeenCalled();
  });

  it('falls back to a popup only when Entra ID requires interaction', async () => {
    const msal = fakeMsal({
      ssoSilent: jest.fn(async () => {
        throw new InteractionRequiredAuthError('login_required');
      }),
    });
    const getToken = createMsalTokenProvider({
      clientId: 'relay-app',
      scopes: ['api://x/access'],
      loginHint: 'seller@contoso.com',
      msal,
    });

    await expect(getToken()).resolves.toBe('popup');
    expect(msal.acquireTokenPopup).toHaveBeenCalledWith({
      scopes: ['api://x/access'],
      loginHint: 'seller@contoso.com',
    });
  });

  it('rejects with kind unauthorized (no popup) for other MSAL failures', async () => {
    const msal = fakeMsal({
      ssoSilent: jest.fn(async () => {
        throw new Error('network_error');
      }),
    });
    const getToken = createMsalTokenProvider({ clientId: 'relay-app', msal, lcid: 3082 });
    const error = await getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayError);
    expect(error).toMatchObject({ kind: 'unauthorized' });
    expect((error as Error).message).toContain('No se pudo iniciar sesión');
    expect(msal.acquireTokenPopup).not.toHaveBeenCalled();
  });

  it('rejects with kind unauthorized when the popup is blocked', async () => {
    const msal = fakeMsal({
      ssoSilent: jest.fn(async () => {
        throw new InteractionRequiredAuthError('interaction_required');
      }),
      acquireTokenPopup: jest.fn(async () => {
        throw new Error('popup_window_error');
      }),
    });
    const getToken = createMsalTokenProvider({ clientId: 'relay-app', msal });
    await expect(getToken()).rejects.toMatchObject({ kind: 'unauthorized' });
  });
});

/** Answers environmentvariabledefinitions queries the way Dataverse does (value rows expanded). */
function fakeReader(
  variables: Record<string, { defaultvalue?: string | null; value?: string }>,
  upn = 'seller@contoso.com',
) {
  const queries: string[] = [];
  const reader: WebApiReader = {
    retrieveMultipleRecords: async (entity, options = '') => {
      expect(entity).toBe(EnvironmentVariableColumns.definitionTable);
      queries.push(options);
      const name = /schemaname eq '([^']+)'/.exec(options)?.[1] ?? '';
      const v = variables[name];
      if (!v) return { entities: [] };
      return {
        entities: [
          {
            defaultvalue: v.defaultvalue ?? null,
            [EnvironmentVariableColumns.valuesNavigation]: v.value === undefined ? [] : [{ value: v.value }],
          },
        ],
      };
    },
    retrieveRecord: async () => ({ domainname: upn }),
  };
  return { reader, queries };
}

describe('readEnvironmentVariable', () => {
  it('prefers the value row over the default and asks for both in one query', async () => {
    const { reader, queries } = fakeReader({
      pcs_RelayBaseUrl: { defaultvalue: 'https://default', value: 'https://current' },
    });
    await expect(readEnvironmentVariable(reader, EnvironmentVariables.relayBaseUrl)).resolves.toBe(
      'https://current',
    );
    expect(queries[0]).toBe(
      "?$select=defaultvalue&$filter=schemaname eq 'pcs_RelayBaseUrl'" +
        '&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)',
    );
  });

  it('falls back to the default, and to null when neither is set', async () => {
    const { reader } = fakeReader({ a: { defaultvalue: 'd' }, b: { defaultvalue: '  ' } });
    await expect(readEnvironmentVariable(reader, 'a')).resolves.toBe('d');
    await expect(readEnvironmentVariable(reader, 'b')).resolves.toBeNull();
    await expect(readEnvironmentVariable(reader, 'missing')).resolves.toBeNull();
  });
});

describe('createRelayClientForUser', () => {
  it('uses the development issuer when pcs_RelayClientId is "sandbox" (end to end over HTTP)', async () => {
    const { reader } = fakeReader({
      pcs_RelayBaseUrl: { value: server.url },
      pcs_RelayClientId: { defaultvalue: 'sandbox' },
    });
    server.answer(
      json(200, { access_token: 'dev-jwt', expires_in: 3600 }),
      json(202, { jobId: 'j', status: 'queued' }),
    );
    const client = await createRelayClientForUser({ reader, userId: USER_ID });

    await expect(client.syncNow(USER_ID)).resolves.toEqual({ jobId: 'j', status: 'queued' });
    expect(server.received.map((r) => r.url)).toEqual([
      DEV_TOKEN_PATH,
      RelayRoutes.syncNow('3f2504e0-4f89-11d3-9a0c-0305e82c3301'),
    ]);
    expect(server.received[1]?.headers.authorization).toBe('Bearer dev-jwt');
  });

  it('uses MSAL with the user UPN as login hint for a real client id, and the PCF relayUrl override', async () => {
    const { reader } = fakeReader({ pcs_RelayClientId: { value: '11111111-2222-3333-4444-555555555555' } });
    const msal = fakeMsal();
    server.answer(json(200, { referral: null }));
    const loadMsal = jest.fn(async () => createMsalTokenProvider);
    const client = await createRelayClientForUser({
      reader,
      userId: USER_ID,
      relayBaseUrl: server.url,
      loadMsal,
      msal,
    });
    expect(loadMsal).toHaveBeenCalledTimes(1);

    await client.liveStatus(USER_ID);
    expect(msal.ssoSilent).toHaveBeenCalledWith({
      scopes: ['api://11111111-2222-3333-4444-555555555555/.default'],
      loginHint: 'seller@contoso.com',
    });
    expect(server.received[0]?.headers.authorization).toBe('Bearer sso');
  });

  it('never loads the sign-in library for the sandbox client id', async () => {
    const { reader } = fakeReader({
      pcs_RelayBaseUrl: { value: server.url },
      pcs_RelayClientId: { value: 'sandbox' },
    });
    const loadMsal = jest.fn(async () => createMsalTokenProvider);
    await createRelayClientForUser({ reader, userId: USER_ID, loadMsal });
    expect(loadMsal).not.toHaveBeenCalled();
  });

  it('rejects with kind unauthorized naming the web resource when the sign-in library cannot load', async () => {
    const { reader } = fakeReader({
      pcs_RelayBaseUrl: { value: server.url },
      pcs_RelayClientId: { value: '11111111-2222-3333-4444-555555555555' },
    });
    const offline = new Error('Could not load https://org.example/WebResources/pcs_/scripts/relayauth.js');
    const error = await createRelayClientForUser({
      reader,
      userId: USER_ID,
      lcid: 1046,
      loadMsal: async () => {
        throw offline;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayError);
    expect(error).toMatchObject({
      kind: 'unauthorized',
      code: 'signInLibraryUnavailable',
      serverMessage: 'The sign-in library pcs_/scripts/relayauth.js could not be loaded.',
      cause: offline,
    });
    expect((error as Error).message).toContain('Não foi possível entrar');
    expect(server.received).toEqual([]);
  });

  it('fails fast naming the environment variable that has no value', async () => {
    const { reader } = fakeReader({ pcs_RelayClientId: { value: 'sandbox' } });
    const error = await createRelayClientForUser({ reader, userId: USER_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayError);
    expect(error).toMatchObject({ kind: 'unreachable', code: 'notConfigured' });
    expect((error as RelayError).serverMessage).toBe('Environment variable pcs_RelayBaseUrl has no value.');
  });
});
