/**
 * `$batch` requests made of GETs, as the Web API runs them
 * (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api):
 * requests outside change sets run in order, each answered in its own part; the first failure ends the
 * batch unless it asks `Prefer: odata.continue-on-error`. Then the relay's client (retrieveBatch) on it.
 */
import { EntitySets } from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import { createDataverseClient, staticTokenProvider } from '../../../Relay/dataverse';
import type { DataverseClient } from '../../../Relay/dataverse';
import { parseBatchResponse } from '../../../Relay/dataverse/multipart';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import type { DataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { closeAfterAll } from '../../testkit/cleanup';
import { tokenFor } from './support';

const USER_OID = '5e11e500-0000-4000-8000-0000000000b7';
const MISSING = '00000000-0000-4000-8000-00000000dead';

let sim: DataverseSimulator;
let client: DataverseClient;
let accountId: string;

beforeAll(async () => {
  sim = await startDataverseSimulator({ port: 0, rolesOnFirstUse: { user: ['System Administrator'] } });
  closeAfterAll(() => sim.close());
  client = createDataverseClient({
    environmentUrl: sim.url,
    tokens: staticTokenProvider(tokenFor(USER_OID)),
    http: { sleep: async () => undefined },
  });
  accountId = await client.create(EntitySets.account, { name: 'Batch reads Ltd' });
});

/** Microsoft's sample shape: GET parts with server-relative URLs, no change set. */
const getParts = (...urls: string[]) =>
  [
    ...urls.flatMap((url) => [
      '--batch_reads',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      `GET /api/data/v9.2/${url} HTTP/1.1`,
      '',
      '',
    ]),
    '--batch_reads--',
    '',
  ].join('\r\n');

async function batch(body: string, prefer?: string) {
  const response = await fetch(`${sim.apiUrl}$batch`, {
    method: 'POST',
    headers: {
      'content-type': 'multipart/mixed; boundary=batch_reads',
      authorization: `Bearer ${tokenFor(USER_OID)}`,
      ...(prefer ? { prefer } : {}),
    },
    body,
  });
  const parts = parseBatchResponse(await response.text(), response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, parts };
}

describe('the simulator runs GET requests in a $batch', () => {
  it('answers each GET in order, in its own part', async () => {
    const { status, parts } = await batch(
      getParts(
        `accounts(${accountId})?$select=name`,
        `accounts?$select=name&$filter=${encodeURIComponent("name eq 'Batch reads Ltd'")}`,
      ),
    );
    expect(status).toBe(200);
    expect(parts.map((p) => ('changeset' in p ? 'changeset' : p.status))).toEqual([200, 200]);
    const [one, many] = parts as Array<{ body: string }>;
    expect(JSON.parse(one!.body)).toMatchObject({ name: 'Batch reads Ltd', accountid: accountId });
    expect(JSON.parse(many!.body).value).toEqual([expect.objectContaining({ accountid: accountId })]);
  });

  it('stops at the first failing request unless asked to continue on error', async () => {
    const body = getParts(`accounts(${MISSING})`, `accounts(${accountId})?$select=name`);
    const stopped = await batch(body);
    expect(stopped.parts.map((p) => ('changeset' in p ? 'changeset' : p.status))).toEqual([404]);
    expect(stopped.headers.get('preference-applied')).toBeNull();

    const continued = await batch(body, 'odata.continue-on-error');
    expect(continued.parts.map((p) => ('changeset' in p ? 'changeset' : p.status))).toEqual([404, 200]);
    expect(continued.headers.get('preference-applied')).toBe('odata.continue-on-error');
  });
});

describe('retrieveBatch', () => {
  it('answers rows by id (null when gone) and query rows, in the order asked, in one request', async () => {
    const [byId, gone, rows, none] = await client.retrieveBatch([
      { entitySet: EntitySets.account, id: accountId, query: { select: ['name'] } },
      { entitySet: EntitySets.account, id: MISSING },
      {
        entitySet: EntitySets.account,
        query: { select: ['accountid'], filter: where.eq('name', 'Batch reads Ltd'), top: 1 },
      },
      { entitySet: EntitySets.contact, query: { filter: where.eq('emailaddress1', 'nobody@example.com') } },
    ]);
    expect(byId).toMatchObject({ name: 'Batch reads Ltd' });
    expect(gone).toBeNull();
    expect(rows).toEqual([expect.objectContaining({ accountid: accountId })]);
    expect(none).toEqual([]);
  });

  it("fails with the failing read's status and Dataverse error code", async () => {
    await expect(
      client.retrieveBatch([
        { entitySet: EntitySets.account, id: accountId },
        { entitySet: EntitySets.account, query: { select: ['nosuchcolumn'] } },
      ]),
    ).rejects.toMatchObject({ status: 400, details: { code: expect.stringMatching(/^0x/) } });
  });

  it('makes no request for no reads', async () => {
    expect(await client.retrieveBatch([])).toEqual([]);
  });
});
