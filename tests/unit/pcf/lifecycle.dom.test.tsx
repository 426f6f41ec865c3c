/**
 * The PCF lifecycle contract of index.ts: init → updateView (React element) → toggle → notifyOutputChanged
 * → getOutputs (returns the value once) → updateView with the saved value → destroy.
 */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { setIconOptions } from '@fluentui/react';
import {
  EnvironmentVariableColumns,
  RelayAuthWebResource,
  SyncEventColumns,
  SyncOutcome,
  Tables,
} from '../../../Domain/constants';
import { PartnerCenterSync } from '../../../PCFControls/PartnerCenterSync';
import { ManifestProperty } from '../../../PCFControls/PartnerCenterSync/ManifestConstants';
import type { ControlContext } from '../../../PCFControls/PartnerCenterSync/props';
import { dateTimeFormat } from '../../../PCFControls/PartnerCenterSync/viewModel';
import { fakeContext, FakeWebApi, type BoundValues, type FakeContextOptions } from './fakeContext';

setIconOptions({ disableWarnings: true });

/** Let pending Web API promises settle inside act (the fake answers immediately). */
const flush = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

async function createComponent(values: BoundValues, options: FakeContextOptions = {}) {
  const control = new PartnerCenterSync();
  const notifyOutputChanged = jest.fn();
  let context: ControlContext = fakeContext(values, { webAPI: new FakeWebApi(), ...options });
  control.init(context, notifyOutputChanged);
  const view = render(control.updateView(context));
  await flush();
  const update = async (next: BoundValues, changed: string[] = []) => {
    context = { ...fakeContext(next, { ...options, updatedProperties: changed }), webAPI: context.webAPI };
    view.rerender(control.updateView(context));
    await flush();
  };
  return { control, notifyOutputChanged, view, update };
}

const toggle = () => screen.getByRole('switch', { name: 'Sync with Partner Center' });

describe('PartnerCenterSync lifecycle', () => {
  it('toggle → one notifyOutputChanged → getOutputs returns the value once', async () => {
    const { control, notifyOutputChanged, update } = await createComponent({ syncEnabled: false });
    expect(toggle()).toHaveProperty('checked', false);
    expect(control.getOutputs()).toEqual({});

    fireEvent.click(toggle());
    expect(notifyOutputChanged).toHaveBeenCalledTimes(1);
    expect(control.getOutputs()).toEqual({ syncEnabled: true });
    expect(control.getOutputs()).toEqual({});

    // The platform writes the output to the column and calls updateView with it.
    await update({ syncEnabled: true }, [ManifestProperty.SyncEnabled]);
    expect(toggle()).toHaveProperty('checked', true);
    fireEvent.click(toggle());
    expect(notifyOutputChanged).toHaveBeenCalledTimes(2);
    expect(control.getOutputs()).toEqual({ syncEnabled: false });
    control.destroy();
  });

  it('shows a pending toggle until getOutputs picked it up', async () => {
    const { control, update } = await createComponent({ syncEnabled: false });
    fireEvent.click(toggle());
    await update({ syncEnabled: false });
    expect(toggle()).toHaveProperty('checked', true);
    control.getOutputs();
    await update({ syncEnabled: false });
    expect(toggle()).toHaveProperty('checked', false);
    control.destroy();
  });

  it('read-only form: switch disabled with the reason, no output', async () => {
    const { control, notifyOutputChanged } = await createComponent({ syncEnabled: true }, { disabled: true });
    expect(toggle()).toHaveProperty('disabled', true);
    expect(toggle().getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText("You can't change this: the form is read-only.")).toBeTruthy();
    fireEvent.click(toggle());
    expect(notifyOutputChanged).not.toHaveBeenCalled();
    expect(control.getOutputs()).toEqual({});
    control.destroy();
  });

  it('unsaved record: switch disabled, no relay buttons and no Web API reads', async () => {
    const webAPI = new FakeWebApi();
    const { control } = await createComponent({ syncEnabled: false }, { entityId: null, webAPI });
    expect(toggle()).toHaveProperty('disabled', true);
    expect(screen.getByText('Save the opportunity first.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sync now' })).toBeNull();
    expect(webAPI.calls).toEqual([]);
    control.destroy();
  });

  it('shows field-map errors until the form editor fixes the map', async () => {
    const { view, update } = await createComponent({ fieldMap: '{"version": 2}' });
    expect(view.container.querySelector('.pcs-fieldmap-errors')).not.toBeNull();
    await update({ fieldMap: '{"version": 2}' }, [ManifestProperty.SyncEnabled]);
    expect(view.container.querySelector('.pcs-fieldmap-errors')).not.toBeNull();
    await update({ fieldMap: '' }, [ManifestProperty.FieldMap]);
    expect(view.container.querySelector('.pcs-fieldmap-errors')).toBeNull();
  });

  it('an update that changes only a bound fact leaves the sync history list unrendered', async () => {
    const occurredOn = '2026-03-10T12:00:00Z';
    const webAPI = new FakeWebApi(
      {},
      {
        [Tables.syncEvent]: [
          {
            entities: [
              {
                [SyncEventColumns.id]: 'e1',
                [SyncEventColumns.outcome]: SyncOutcome.succeeded,
                [SyncEventColumns.occurredOn]: occurredOn,
              },
            ],
            nextLink: undefined as never,
          },
        ],
      },
    );
    const bound = { syncEnabled: true, referralId: '3c1f9a2e-6b7d-4e1a-9c55-0d2e8f4a7b61' };
    const { control, view, update } = await createComponent(bound, { webAPI });
    expect(view.container.querySelectorAll('.pcs-event')).toHaveLength(1);
    // The list formats every event's time when it renders: no format call, no render.
    const format = jest.spyOn(dateTimeFormat('en-US'), 'format');
    try {
      await update({ ...bound, microsoftCrmId: '7-3KQ9ZP1' });
      expect(screen.getByText('7-3KQ9ZP1')).toBeTruthy();
      expect(format).not.toHaveBeenCalled();
    } finally {
      format.mockRestore();
    }
    control.destroy();
  });

  it('speaks the user language from the resx', async () => {
    await createComponent({ syncEnabled: false }, { lcid: 1046 });
    expect(screen.getByRole('switch', { name: 'Sincronizar com o Partner Center' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sincronizar agora' })).toBeTruthy();
  });
});

describe('PartnerCenterSync relay library (relay client and MSAL outside the bundle)', () => {
  const CLIENT_URL = 'https://contoso.crm.dynamics.com';
  const libraryUrl = `${CLIENT_URL}/WebResources/${RelayAuthWebResource.name}`;
  const relayScripts = () =>
    [...document.head.querySelectorAll('script')].filter((s) => s.src.endsWith(RelayAuthWebResource.name));

  afterEach(() => relayScripts().forEach((s) => s.remove()));

  /** Environment variables as Dataverse answers them; `clientId` is what pcs_RelayClientId holds. */
  const webApiWith = (clientId: string) =>
    new FakeWebApi(
      {
        [Tables.systemuser]: { '11111111-2222-3333-4444-555555555555': { domainname: 'seller@contoso.com' } },
      },
      {
        [EnvironmentVariableColumns.definitionTable]: [
          { entities: [{ defaultvalue: clientId }], nextLink: '' },
        ],
      },
    );

  it('loads pcs_/scripts/relayauth.js from context.page.getClientUrl() on the first relay call only', async () => {
    await createComponent(
      { syncEnabled: false, relayUrl: 'https://relay.contoso.com' },
      {
        webAPI: webApiWith('0f8fad5b-d9cb-469f-a165-70867728950e'),
        page: { getClientUrl: () => CLIENT_URL },
      },
    );
    expect(relayScripts()).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    await flush();
    expect(relayScripts().map((s) => s.src)).toEqual([libraryUrl]);

    // The web resource cannot be served: the seller reads that the relay is out of reach, and the next
    // click retries.
    act(() => void relayScripts()[0]!.dispatchEvent(new Event('error')));
    await flush(); // the rejection reaches the view
    await flush(); // Fluent MessageBar's DelayedRender
    expect(screen.getByText(/The co-sell relay can't be reached/)).toBeTruthy();
    relayScripts().forEach((s) => s.remove());
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    await flush();
    expect(relayScripts().map((s) => s.src)).toEqual([libraryUrl]);
    // Settle that load too: a load still in flight is shared with the next caller of the same URL.
    act(() => void relayScripts()[0]!.dispatchEvent(new Event('error')));
    await flush();
  });

  it('loads it in the sandbox too: the relay client lives there, MSAL inside stays unused', async () => {
    await createComponent(
      { syncEnabled: false, relayUrl: 'http://127.0.0.1:9' },
      { webAPI: webApiWith('sandbox'), page: { getClientUrl: () => CLIENT_URL } },
    );
    expect(relayScripts()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    await flush();
    expect(relayScripts().map((s) => s.src)).toEqual([libraryUrl]);
  });
});
