/**
 * Least privilege through the real relay: sellers hold the Dataverse simulator's seller role
 * (organization-wide read, user-level write on opportunities) plus the solution's seller role; the
 * relay's application user holds only the solution's integration role. A seller who can read another
 * seller's opportunity may preview it but may not sync it or answer its Microsoft referral.
 */
import { EntitySets } from '../../../Domain/constants';
import { RelayRoutes } from '../../../Domain/relayApi';
import { DEV_TOKEN_PATH } from '../../../Relay/server/routes/devToken';
import { startTestStack, type TestStack } from '../../testkit/stack';

const OWNER_OID = '7a1e5e11-0000-4000-8000-00000000a001';
const COLLEAGUE_OID = '7a1e5e11-0000-4000-8000-00000000b002';

describe('acting on an opportunity needs write access to it in Dynamics 365', () => {
  let stack: TestStack;
  let opportunityId: string;
  beforeAll(async () => {
    stack = await startTestStack();
    ({ opportunityId } = await stack.createOpportunity(
      { name: 'Owner’s co-sell deal', sync: false },
      stack.sellerClient(OWNER_OID),
    ));
    await stack.settle(); // the seller's own webhooks are handled: the queue is quiet
  });

  const tokenOf = async (oid: string): Promise<string> => {
    const response = await fetch(stack.relayUrl + DEV_TOKEN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: oid }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };

  const call = async (oid: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(stack.relayUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${await tokenOf(oid)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
  };

  const actions = () =>
    [
      [RelayRoutes.syncNow(opportunityId), undefined],
      [RelayRoutes.accept(opportunityId), {}],
      [RelayRoutes.decline(opportunityId), { reason: 'Not our market' }],
    ] as const;

  it('a colleague who can read the deal gets 403 on sync, accept and decline, and may still preview it', async () => {
    const queuedBefore = (await stack.relay.store.depth()).queued;
    for (const [path, body] of actions()) {
      const response = await call(COLLEAGUE_OID, 'POST', path, body);
      expect(response.status).toBe(403);
      expect(response.body.error?.code).toBe('writeAccessRequired');
    }
    expect((await stack.relay.store.depth()).queued).toBe(queuedBefore);
    expect((await call(COLLEAGUE_OID, 'GET', RelayRoutes.preview(opportunityId))).status).toBe(200);
  });

  it('the owner may sync and answer the referral', async () => {
    for (const [path, body] of actions())
      expect((await call(OWNER_OID, 'POST', path, body)).status).toBe(202);
  });

  it('once the owner assigns the deal to the colleague, the colleague may act and the owner may not', async () => {
    const colleague = stack.sellerClient(COLLEAGUE_OID);
    const colleagueId = (await colleague.whoAmI()).UserId;
    await stack.sellerClient(OWNER_OID).update(EntitySets.opportunity, opportunityId, {
      'ownerid@odata.bind': `/systemusers(${colleagueId})`,
    });
    expect((await call(COLLEAGUE_OID, 'POST', RelayRoutes.syncNow(opportunityId))).status).toBe(202);
    expect((await call(OWNER_OID, 'POST', RelayRoutes.syncNow(opportunityId))).status).toBe(403);
  });
});
