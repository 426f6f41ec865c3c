import type { RelayClient } from '../../../Domain';
import { clientUrlOf } from '../../../PCFControls/PartnerCenterSync/props';
import { lazyRelayClient, type RelaySetup } from '../../../PCFControls/PartnerCenterSync/relay';
import { relayErrorText } from '../../../PCFControls/PartnerCenterSync/relayErrors';
import { translator } from '../../../PCFControls/PartnerCenterSync/strings';
import { FakeWebApi, readResx } from './fakeContext';

const setup: RelaySetup = { reader: new FakeWebApi(), userId: '{U}', lcid: 1046, relayBaseUrl: null };

const stubClient = (): RelayClient => ({
  syncNow: jest.fn().mockResolvedValue({ jobId: 'j1', status: 'queued' }),
  preview: jest.fn(),
  liveStatus: jest.fn(),
  accept: jest.fn().mockResolvedValue({ jobId: 'j2', status: 'queued' }),
  decline: jest.fn().mockResolvedValue({ jobId: 'j3', status: 'queued' }),
});

describe('lazyRelayClient', () => {
  it('creates the real client once, on first use, with the control settings', async () => {
    const real = stubClient();
    const create = jest.fn().mockResolvedValue(real);
    const client = lazyRelayClient(setup, create);
    expect(create).not.toHaveBeenCalled();
    await expect(client.syncNow('id-1')).resolves.toEqual({ jobId: 'j1', status: 'queued' });
    await client.decline('id-1', 'No budget');
    expect(create).toHaveBeenCalledTimes(1);
    expect(create).toHaveBeenCalledWith(setup);
    expect(real.decline).toHaveBeenCalledWith('id-1', 'No budget');
  });

  it('retries creation after a failure (e.g. the environment variable was set meanwhile)', async () => {
    const notConfigured = Object.assign(new Error('x'), { kind: 'unreachable', code: 'notConfigured' });
    const create = jest.fn().mockRejectedValueOnce(notConfigured).mockResolvedValueOnce(stubClient());
    const client = lazyRelayClient(setup, create);
    await expect(client.accept('id-1')).rejects.toBe(notConfigured);
    await expect(client.accept('id-1')).resolves.toEqual({ jobId: 'j2', status: 'queued' });
    expect(create).toHaveBeenCalledTimes(2);
  });
});

describe('relayErrorText', () => {
  const strings = readResx(1046);
  const t = translator((id) => strings.get(id)?.value ?? id);

  it('uses our words per failure kind, in the user language', () => {
    expect(relayErrorText(Object.assign(new Error('offline'), { kind: 'unreachable' }), t)).toBe(
      strings.get('Relay_unreachable')?.value,
    );
    expect(
      relayErrorText(Object.assign(new Error('m'), { kind: 'badRequest', serverMessage: 'bad id' }), t),
    ).toBe('O relay recusou a solicitação: bad id');
  });

  it('names the missing configuration, and treats unknown errors as relay failures', () => {
    expect(relayErrorText({ kind: 'unreachable', code: 'notConfigured' }, t)).toBe(
      strings.get('Relay_NotConfigured')?.value,
    );
    expect(relayErrorText(new TypeError('boom'), t)).toBe('O relay falhou: boom');
  });
});

describe('clientUrlOf (where the sign-in library web resource is served)', () => {
  it('reads context.page.getClientUrl() of model-driven forms', () => {
    expect(clientUrlOf({ getClientUrl: () => 'https://contoso.crm.dynamics.com' })).toBe(
      'https://contoso.crm.dynamics.com',
    );
  });

  it('is undefined for hosts without it (pcf-start harness), with an empty URL, or when it throws', () => {
    expect(clientUrlOf(undefined)).toBeUndefined();
    expect(clientUrlOf({})).toBeUndefined();
    expect(clientUrlOf({ getClientUrl: () => '' })).toBeUndefined();
    expect(
      clientUrlOf({
        getClientUrl: () => {
          throw new Error('not in a form');
        },
      }),
    ).toBeUndefined();
  });
});
