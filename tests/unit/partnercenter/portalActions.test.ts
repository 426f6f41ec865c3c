/**
 * The Partner Center simulator plays the partner in the Partner Center portal: a deal created there
 * looks like the real partner-created payloads (invitedBy = the partner, accepted at creation,
 * `direction: Incoming`), and a portal change follows the same status rules as an API PATCH.
 */
import { referralOrigin } from '../../../Domain/referralOrigin';
import { startPartnerCenterSimulator } from '../../../DevStack/simulators/partnercenter';
import type { PartnerCenterSimulator } from '../../../DevStack/simulators/partnercenter';
import { closeAfterAll } from '../../testkit/cleanup';
import { FakePartnerCenter, PARTNER } from '../../testkit/fakePartnerCenter';

describe('portal actions of the referral service', () => {
  it('creates a partner deal shaped like a real partner-created payload', () => {
    const pc = new FakePartnerCenter();
    const deal = pc.referrals.createInPortal({ name: 'From the portal' });
    expect(deal).toMatchObject({
      name: 'From the portal',
      organizationId: PARTNER.organizationId,
      status: 'Active',
      substatus: 'Accepted',
      direction: 'Incoming',
      inviteContext: { invitedBy: { organizationId: PARTNER.organizationId } },
    });
    expect(deal.acceptedDateTime).toBe(deal.createdDateTime);
    expect(referralOrigin(deal)).toEqual({ origin: 'partner' });
    expect(pc.events.at(-1)).toMatchObject({ eventName: 'referral-created' });
  });

  it('accepts, closes with a reason and edits solutions under the PATCH rules', () => {
    const pc = new FakePartnerCenter();
    const incoming = pc.referrals.createIncoming({});
    const accepted = pc.referrals.portalUpdate(incoming.id, { status: 'Active', substatus: 'Accepted' });
    expect(accepted.acceptedDateTime).toBeTruthy();
    const edited = pc.referrals.portalUpdate(incoming.id, {
      solutions: [{ id: 'SOL-NEW-1', name: 'New one', type: 'Name' }],
    });
    expect(edited.details?.requirements?.solutions).toEqual([
      { id: 'SOL-NEW-1', name: 'New one', type: 'Name' },
    ]);
    const won = pc.referrals.portalUpdate(incoming.id, {
      status: 'Closed',
      substatus: 'Won',
      statusReason: 'Signed',
    });
    expect(won).toMatchObject({ status: 'Closed', substatus: 'Won', statusReason: 'Signed' });
    expect(won.closedDateTime).toBeTruthy();
    // Closed is terminal, in the portal as through the API.
    expect(() => pc.referrals.portalUpdate(incoming.id, { statusReason: 'changed my mind' })).toThrow(
      /closed/i,
    );
    expect(() =>
      pc.referrals.portalUpdate(pc.referrals.createIncoming({}).id, {
        status: 'Closed',
        substatus: 'Accepted',
      }),
    ).toThrow(/Substatus Accepted is not allowed/);
    expect(pc.events.filter((e) => e.eventName === 'referral-updated')).toHaveLength(3);
  });
});

describe('portal control routes', () => {
  let sim: PartnerCenterSimulator;
  beforeAll(async () => {
    sim = await startPartnerCenterSimulator({ port: 0 });
    closeAfterAll(() => sim.close());
  });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${sim.url}/_control${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  it('POST /referrals/portal creates, /portal-update changes, bad input is a 400', async () => {
    const created = await post('/referrals/portal', { name: 'Portal deal' });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(
      (await post(`/referrals/${id}/portal-update`, { status: 'Closed', substatus: 'Lost' })).json,
    ).toMatchObject({
      status: 'Closed',
      substatus: 'Lost',
    });
    expect((await post(`/referrals/${id}/portal-update`, { solutions: 'SOL-1' })).status).toBe(400);
    expect((await post(`/referrals/${id}/portal-update`, { statusReason: 'again' })).status).toBe(409);
  });
});
