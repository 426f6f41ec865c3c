import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMsalTokenProvider } from '../../../Relay/dataverse';
import type { MsalConfidentialClient } from '../../../Relay/dataverse';
import { ApiError } from '../../../Relay/ports';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { SOLUTION_ZIPS } from '../../testkit/paths';
import { closeAfterTest } from '../../testkit/cleanup';

describe('MSAL token provider', () => {
  it('asks for <environment>/.default app-only and on behalf of the user', async () => {
    const calls: unknown[] = [];
    const msal: MsalConfidentialClient = {
      acquireTokenByClientCredential: async (request) =>
        (calls.push(request), { accessToken: 'app' }) as never,
      acquireTokenOnBehalfOf: async (request) => (calls.push(request), { accessToken: 'obo' }) as never,
    };
    const tokens = createMsalTokenProvider({
      environmentUrl: 'https://contoso.crm4.dynamics.com/',
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
      msal,
    });
    expect(await tokens.getToken()).toBe('app');
    expect(await tokens.getTokenOnBehalfOf('user-jwt')).toBe('obo');
    expect(calls).toEqual([
      { scopes: ['https://contoso.crm4.dynamics.com/.default'] },
      { oboAssertion: 'user-jwt', scopes: ['https://contoso.crm4.dynamics.com/.default'] },
    ]);
  });

  it('turns an on-behalf-of failure into a 401 ApiError without the assertion', async () => {
    const msal: MsalConfidentialClient = {
      acquireTokenByClientCredential: async () => null,
      acquireTokenOnBehalfOf: async () => {
        throw Object.assign(
          new Error(
            'AADSTS50013: Assertion failed signature validation for eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
          ),
          { errorCode: 'invalid_grant' },
        );
      },
    };
    const tokens = createMsalTokenProvider({
      environmentUrl: 'https://contoso.crm.dynamics.com',
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
      msal,
    });
    const error = await tokens
      .getTokenOnBehalfOf('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, details: { service: 'dataverse', code: 'invalid_grant' } });
    expect((error as Error).message).not.toContain('c2lnbmF0dXJl');
    await expect(tokens.getToken()).rejects.toMatchObject({ status: 401 });
  });
});

describe('simulator persistence', () => {
  it('keeps rows and the imported schema across restarts, and --reset clears them', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dvsim-'));
    try {
      const first = closeAfterTest(await startDataverseSimulator({ port: 0, dataDir }));
      await first.importSolution(
        fs.readFileSync(path.join(SOLUTION_ZIPS, 'polymorphiclookupexamplesolution.zip')),
      );
      const created = await fetch(`${first.apiUrl}sample_books`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sample_name: 'Persisted' }),
      });
      expect(created.status).toBe(204);
      await first.close();

      const second = closeAfterTest(await startDataverseSimulator({ port: 0, dataDir }));
      const rows = (await (await fetch(`${second.apiUrl}sample_books?$select=sample_name`)).json()) as {
        value: Array<{ sample_name: string }>;
      };
      expect(rows.value.map((r) => r.sample_name)).toEqual(['Persisted']);
      await second.close();

      const third = closeAfterTest(await startDataverseSimulator({ port: 0, dataDir, reset: true }));
      expect((await fetch(`${third.apiUrl}sample_books`)).status).toBe(404);
      await third.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
