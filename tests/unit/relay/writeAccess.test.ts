/**
 * Least privilege on /api: acting on an opportunity (sync now, accept, decline the Microsoft referral)
 * needs the caller's write access on it in Dynamics 365, not just read access. The real permission
 * checker asks Dataverse (the FakeDataverse here; tests/e2e/sync/writeAccess.test.ts runs the same
 * against the Dataverse simulator's security model) on the user's behalf: WhoAmI, then
 * RetrievePrincipalAccess on the record.
 */
import type { FastifyInstance } from 'fastify';
import { EntitySets } from '../../../Domain/constants';
import { RelayRoutes } from '../../../Domain/relayApi';
import { createDevIssuer } from '../../../Relay/auth/devIssuer';
import type { DevIssuer } from '../../../Relay/auth/devIssuer';
import { createPermissionChecker } from '../../../Relay/auth/permission';
import { createJwtVerifier } from '../../../Relay/auth/tokens';
import { createLogger } from '../../../Relay/logging/logger';
import { buildRelayServer } from '../../../Relay/server/app';
import { createMetrics } from '../../../Relay/server/metrics';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { createSyncTestbed } from '../../testkit/syncTestbed';
import type { SyncTestbed } from '../../testkit/syncTestbed';

const OWNER_OID = '0e4e0000-0000-4000-8000-000000000001';
const OTHER_OID = '0e4e0000-0000-4000-8000-000000000002';
const OWNER = '5a1e5000-0000-4000-8000-0000000000a1';
const OTHER = '5a1e5000-0000-4000-8000-0000000000b2';

describe('/api write actions need write access to the opportunity', () => {
  let app: FastifyInstance;
  let store: SqliteStore;
  let issuer: DevIssuer;
  let bed: SyncTestbed;
  let baseUrl: string;
  let opportunityId: string;
  const tokens = new Map<string, string>();

  beforeEach(async () => {
    bed = createSyncTestbed();
    store = new SqliteStore({ filename: ':memory:' });
    issuer = await createDevIssuer({
      issuer: 'http://127.0.0.1/cosell-sandbox',
      audience: 'api://relay',
      roles: [],
    });
    opportunityId = await bed.dataverse.create(EntitySets.opportunity, { name: 'Owner’s deal' });
    for (const [oid, systemUserId] of [
      [OWNER_OID, OWNER],
      [OTHER_OID, OTHER],
    ] as const) {
      const token = (await issuer.issue(oid)).access_token;
      tokens.set(oid, token);
      bed.dataverse.usersByAssertion.set(token, systemUserId);
    }
    // What Dataverse answers for a seller role with organization-wide read and user-level write.
    bed.dataverse.grantAccess(OWNER, EntitySets.opportunity, opportunityId, ['ReadAccess', 'WriteAccess']);
    bed.dataverse.grantAccess(OTHER, EntitySets.opportunity, opportunityId, ['ReadAccess']);
    app = await buildRelayServer({
      store,
      clock: bed.clock,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(store),
      dataverseWebhook: { key: 'k'.repeat(40), header: null },
      integrationUserId: null,
      partnerCenterVerifier: {
        verify: async () => ({ ok: false, status: 401, reason: 'bad-signature', message: 'no' }),
      },
      tokens: createJwtVerifier(issuer),
      permissions: createPermissionChecker(bed.dataverse),
      sync: bed.deps,
      adminRole: 'CoSell.Admin',
      devIssuer: issuer,
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const call = async (oid: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(oid)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as { error?: { code: string } } };
  };

  const actions = () =>
    [
      ['sync', RelayRoutes.syncNow(opportunityId), undefined],
      ['accept', RelayRoutes.accept(opportunityId), {}],
      ['decline', RelayRoutes.decline(opportunityId), { reason: 'Not our market' }],
    ] as const;

  it('a seller who can read but not write another seller’s opportunity gets 403 on sync, accept and decline', async () => {
    for (const [, path, body] of actions()) {
      const response = await call(OTHER_OID, 'POST', path, body);
      expect(response.status).toBe(403);
      expect(response.json.error?.code).toBe('writeAccessRequired');
    }
    expect((await store.depth()).queued).toBe(0);
    // Asked as the user, about the user: WhoAmI and RetrievePrincipalAccess on their behalf.
    const asked = bed.dataverse.callsOf('retrievePrincipalAccess');
    expect(asked).toHaveLength(3);
    expect(asked.every((c) => c.options && 'userAssertion' in c.options)).toBe(true);
  });

  it('the owner may act; every reader may still preview', async () => {
    for (const [, path, body] of actions())
      expect((await call(OWNER_OID, 'POST', path, body)).status).toBe(202);
    expect((await store.depth()).queued).toBeGreaterThan(0); // jobs of one record may coalesce
    expect((await call(OTHER_OID, 'GET', RelayRoutes.preview(opportunityId))).status).toBe(200);
  });

  it('someone Dataverse does not know, or a record that is gone, is refused before anything is queued', async () => {
    const stranger = (await issuer.issue('0e4e0000-0000-4000-8000-0000000000ff')).access_token;
    tokens.set('stranger', stranger);
    expect((await call('stranger', 'POST', RelayRoutes.syncNow(opportunityId))).status).toBe(403);
    const gone = '5a1e5000-0000-4000-8000-0000000000ee';
    expect((await call(OWNER_OID, 'POST', RelayRoutes.syncNow(gone))).status).toBe(404);
    expect((await store.depth()).queued).toBe(0);
  });
});
