/**
 * A local stand-in for Microsoft Entra ID's v2.0 endpoints that MSAL's device-code sign-in and
 * refresh-token redemption use, on https://127.0.0.1 (MSAL refuses a non-https authority) with a
 * self-signed certificate the tests trust:
 * - GET  /{tenant}/v2.0/.well-known/openid-configuration (OpenID Connect discovery);
 * - POST /{tenant}/oauth2/v2.0/devicecode: user_code, device_code, verification_uri, interval, message;
 * - POST /{tenant}/oauth2/v2.0/token: the device_code grant answers
 *   `authorization_pending` until the person signs in (`approve`), then tokens; `refresh_token` answers
 *   new tokens and a new refresh token (the old one stays valid, as Entra ID does), or `invalid_grant`
 *   AADSTS700082 once revoked.
 * Shapes and errors follow https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code and
 * https://learn.microsoft.com/entra/identity-platform/refresh-tokens. Tokens are unsigned: MSAL reads an
 * id token's claims without checking its signature (the authority is trusted through TLS).
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import forge from 'node-forge';
import { Agent, request } from 'undici';
import { certificateSerialNumber } from '../../DevStack/simulators/partnercenter/certificates';
import { closeAfterAll } from './cleanup';

export interface FakeAccount {
  username: string;
  objectId: string;
}

export interface FakeAuthorityOptions {
  tenantId?: string;
  /** Seconds between polls the device-code answer asks for (Entra ID says 5). */
  pollIntervalSec?: number;
}

export interface FakeAuthority {
  /** https://127.0.0.1:<port>/<tenant> — the authority MSAL is given. */
  authority: string;
  tenantId: string;
  /** The server certificate (PEM), to trust it (NODE_EXTRA_CA_CERTS for a child process). */
  certificatePem: string;
  /** An MSAL network client that trusts the certificate (in-process tests). */
  networkClient: INetworkModule;
  /** The person opens the verification page and signs in with this code. */
  approve(userCode: string, account?: FakeAccount): void;
  /** Resolves at the next poll of the token endpoint with a device code. */
  nextPoll(): Promise<void>;
  /** An admin revokes every refresh token (sign-out everywhere, password reset). */
  revokeRefreshTokens(): void;
  /** grant_type of every token request, in order. */
  grants: string[];
  close(): Promise<void>;
}

export const FAKE_ACCOUNT: FakeAccount = {
  username: 'referrals-admin@contoso.example',
  objectId: '3f1c2b6a-0d6e-4c1f-9a57-5e7c0a1d2b3c',
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unsignedJwt = (claims: Record<string, unknown>) =>
  `${base64url({ typ: 'JWT', alg: 'RS256', kid: 'fake' })}.${base64url(claims)}.${randomBytes(16).toString('base64url')}`;

/** Self-signed certificate for 127.0.0.1 and localhost. */
function serverCertificate(): { cert: string; key: string } {
  const keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const privateKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  cert.serialNumber = certificateSerialNumber(randomBytes(15));
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const name = [{ name: 'commonName', value: '127.0.0.1' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

/** Entra ID's error body: error, error_description starting with the AADSTS code, error_codes. */
const aadError = (error: string, code: number, text: string) => ({
  error,
  error_description: `AADSTS${code}: ${text}`,
  error_codes: [code],
  timestamp: new Date().toISOString(),
  trace_id: randomUUID(),
  correlation_id: randomUUID(),
});

export async function startFakeAuthority(options: FakeAuthorityOptions = {}): Promise<FakeAuthority> {
  const tenantId = options.tenantId ?? '8b3f1a2c-5d4e-4f6a-9b7c-0d1e2f3a4b5c';
  const { cert, key } = serverCertificate();
  const devices = new Map<
    string,
    { userCode: string; clientId: string; scope: string; account: FakeAccount | null }
  >();
  const refreshTokens = new Map<string, { account: FakeAccount; clientId: string }>();
  const grants: string[] = [];
  let pollWaiters: Array<() => void> = [];
  let base = '';

  function tokens(account: FakeAccount, clientId: string, scope: string) {
    const refreshToken = `fake-rt.${randomBytes(24).toString('base64url')}`;
    refreshTokens.set(refreshToken, { account, clientId });
    const now = Math.floor(Date.now() / 1000);
    const resourceScopes = scope
      .split(' ')
      .filter((s) => !['openid', 'profile', 'offline_access'].includes(s));
    const claims = {
      tid: tenantId,
      oid: account.objectId,
      sub: account.objectId,
      iat: now,
      nbf: now,
      exp: now + 3600,
    };
    return {
      token_type: 'Bearer',
      scope: resourceScopes.join(' '),
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: unsignedJwt({
        ...claims,
        aud: resourceScopes[0]?.replace(/\/\.default$/, ''),
        upn: account.username,
      }),
      refresh_token: refreshToken,
      id_token: unsignedJwt({
        ...claims,
        aud: clientId,
        iss: `${base}/${tenantId}/v2.0`,
        ver: '2.0',
        name: 'Referrals Admin',
        preferred_username: account.username,
      }),
      client_info: base64url({ uid: account.objectId, utid: tenantId }),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    const prefix = `/${tenantId}`;
    if (!url.pathname.startsWith(prefix))
      return send(res, 400, aadError('invalid_request', 90002, `Tenant not found.`));
    const path = url.pathname.slice(prefix.length);
    if (req.method === 'GET' && path === '/v2.0/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer: `${base}/${tenantId}/v2.0`,
        authorization_endpoint: `${base}/${tenantId}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/${tenantId}/oauth2/v2.0/token`,
        device_authorization_endpoint: `${base}/${tenantId}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/${tenantId}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/${tenantId}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        tenant_region_scope: 'EU',
      });
    }
    if (req.method !== 'POST')
      return send(res, 404, aadError('invalid_request', 900561, 'The endpoint only accepts POST requests.'));
    const form = await readForm(req);
    const clientId = form.get('client_id') ?? '';
    if (path === '/oauth2/v2.0/devicecode') {
      const userCode = randomBytes(5).toString('hex').toUpperCase().slice(0, 9);
      const deviceCode = randomBytes(24).toString('base64url');
      devices.set(deviceCode, { userCode, clientId, scope: form.get('scope') ?? '', account: null });
      return send(res, 200, {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: 'https://microsoft.com/devicelogin',
        expires_in: 900,
        interval: options.pollIntervalSec ?? 1,
        message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${userCode} to authenticate.`,
      });
    }
    if (path !== '/oauth2/v2.0/token')
      return send(res, 404, aadError('invalid_request', 900561, 'Unknown endpoint.'));
    const grant = form.get('grant_type') ?? '';
    grants.push(grant);
    // The documented grant type, and the short form MSAL sends (both accepted by Entra ID).
    if (grant === 'urn:ietf:params:oauth:grant-type:device_code' || grant === 'device_code') {
      const device = devices.get(form.get('device_code') ?? '');
      const waiters = pollWaiters;
      pollWaiters = [];
      waiters.forEach((resolve) => resolve());
      if (!device)
        return send(
          res,
          400,
          aadError(
            'invalid_grant',
            70000,
            'The provided value for the input parameter device_code is not valid.',
          ),
        );
      if (!device.account)
        return send(
          res,
          400,
          aadError(
            'authorization_pending',
            70016,
            'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
          ),
        );
      devices.delete(form.get('device_code')!);
      return send(res, 200, tokens(device.account, device.clientId, form.get('scope') ?? device.scope));
    }
    if (grant === 'refresh_token') {
      const known = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!known || known.clientId !== clientId)
        return send(
          res,
          400,
          aadError(
            'invalid_grant',
            700082,
            'The refresh token has expired due to inactivity or was revoked.',
          ),
        );
      return send(res, 200, tokens(known.account, clientId, form.get('scope') ?? ''));
    }
    return send(
      res,
      400,
      aadError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
    );
  }

  const server = createServer({ cert, key }, (req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, 500, { error: 'server_error', error_description: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ connect: { ca: cert } });

  const networkClient: INetworkModule = {
    async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
      const response = await request(url, { dispatcher: agent, headers: options?.headers });
      return {
        status: response.statusCode,
        headers: response.headers as Record<string, string>,
        body: (await response.body.json()) as T,
      };
    },
    async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: options?.headers,
        body: options?.body,
      });
      return {
        status: response.statusCode,
        headers: response.headers as Record<string, string>,
        body: (await response.body.json()) as T,
      };
    },
  };

  const close = closeAfterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await agent.close();
  });

  return {
    authority: `${base}/${tenantId}`,
    tenantId,
    certificatePem: cert,
    networkClient,
    approve(userCode, account = FAKE_ACCOUNT) {
      const device = [...devices.values()].find((d) => d.userCode === userCode);
      if (!device) throw new Error(`no device code waits for user code ${userCode}`);
      device.account = account;
    },
    nextPoll: () => new Promise<void>((resolve) => pollWaiters.push(resolve)),
    revokeRefreshTokens: () => refreshTokens.clear(),
    grants,
    close,
  };
}
