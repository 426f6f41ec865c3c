/**
 * The hints `npm start` prints hold on a fresh sandbox: every request behind a printed curl line is
 * sent as printed and shows what its comment says, and the walk-through works as told — switching
 * sync on for the seeded Tailspin deal gives ✖ with the country message, fixing the account with the
 * two printed commands turns it ✔ with nothing done to the opportunity.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccountColumns, EntitySets, OpportunityColumns, SyncStatus } from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import { startSandbox, type Sandbox } from '../../../DevStack/sandbox/sandbox';
import {
  ACCOUNT_ID_PLACEHOLDER,
  BLOCKED_DEAL,
  curlOf,
  sandboxHints,
  welcomeText,
  type HintRequest,
} from '../../../DevStack/sandbox/welcome';
import { DIST_DIR } from '../../testkit/paths';
import { existsSync } from 'node:fs';

jest.setTimeout(120_000);

(existsSync(DIST_DIR) ? describe : describe.skip)('the sandbox welcome hints', () => {
  let sandbox: Sandbox;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-welcome-'));
    sandbox = await startSandbox({ dataDir, reset: true });
  });
  afterAll(async () => {
    await sandbox?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const send = async (request: HintRequest) => {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ? JSON.stringify(request.body) : undefined,
    });
    return { status: response.status, text: await response.text() };
  };

  it('prints each hint as the curl command of its request', () => {
    const text = welcomeText(sandbox);
    for (const request of Object.values(sandboxHints(sandbox.endpoints)))
      expect(text).toContain(curlOf(request));
    // Pasted into a shell, `$select` must not be read as a variable: every URL is single-quoted.
    expect(text).not.toMatch(/"http/);
  });

  it('the read-only hints answer 200 and show what they say', async () => {
    await sandbox.stack.settle();
    const hint = sandboxHints(sandbox.endpoints);
    const opportunities = await send(hint.opportunities);
    expect(opportunities.status).toBe(200);
    expect(opportunities.text).toContain('Northwind analytics platform ✔'); // "✔ on the synced one"
    const referrals = await send(hint.referrals);
    expect(referrals.status).toBe(200);
    expect((JSON.parse(referrals.text) as { value: unknown[] }).value.length).toBeGreaterThanOrEqual(
      sandbox.seed.referrals.length,
    );
    const metrics = await send(hint.metrics);
    expect(metrics.status).toBe(200);
    for (const metric of ['cosell_queue_depth', 'cosell_sync_outcomes_total', 'cosell_api_calls_total'])
      expect(metrics.text).toContain(metric);
  });

  it('the walk-through: sync on gives ✖, the two printed commands fix the account and the deal turns ✔', async () => {
    const seller = sandbox.stack.sellerClient(sandbox.endpoints.sellerObjectId);
    const [deal] = await seller.retrieveMultiple(EntitySets.opportunity, {
      select: [OpportunityColumns.id],
      filter: where.eq(OpportunityColumns.name, BLOCKED_DEAL.opportunity),
    });
    const opportunityId = String(deal![OpportunityColumns.id]);
    // What the seller does on the demo form.
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
    await sandbox.stack.settle();
    const blocked = await sandbox.stack.dataverseClient.retrieve(EntitySets.opportunity, opportunityId);
    expect(blocked[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
    expect(String(blocked[OpportunityColumns.audit])).toContain('“United States” is not a two-letter ISO');

    const hint = sandboxHints(sandbox.endpoints);
    const found = await send(hint.blockedAccount);
    expect(found.status).toBe(200);
    const [account] = (JSON.parse(found.text) as { value: Array<Record<string, string>> }).value;
    const accountId = account![AccountColumns.id]!;
    const fixed = await send({
      ...hint.fixCountry,
      url: hint.fixCountry.url.replace(ACCOUNT_ID_PLACEHOLDER, accountId),
    });
    expect(fixed.status).toBe(204);
    await sandbox.stack.settle();
    expect(await sandbox.stack.dataverseClient.retrieve(EntitySets.opportunity, opportunityId)).toMatchObject(
      {
        [OpportunityColumns.name]: `${BLOCKED_DEAL.opportunity} ✔`,
        [OpportunityColumns.syncStatus]: SyncStatus.synced,
      },
    );
  });
});
