/** Every state of the view, rendered from props built by the real props mapping over a fake context. */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { setIconOptions } from '@fluentui/react';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import {
  DEFAULT_FIELD_MAP,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncDirection,
  SyncOutcome,
  SyncStatus,
  parseFieldMap,
  referralLink,
  type RelayClient,
} from '../../../Domain';
import { PartnerCenterSync } from '../../../PCFControls/PartnerCenterSync/components/PartnerCenterSync';
import { webApiData } from '../../../PCFControls/PartnerCenterSync/data';
import { buildProps } from '../../../PCFControls/PartnerCenterSync/props';
import { translator } from '../../../PCFControls/PartnerCenterSync/strings';
import {
  fakeContext,
  FakeWebApi,
  OPPORTUNITY_ID,
  type BoundValues,
  type FakeContextOptions,
} from './fakeContext';

setIconOptions({ disableWarnings: true });

// Two macrotasks: the Web API promise chain, then Fluent MessageBar's DelayedRender (a 0 ms timer).
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const flush = () =>
  act(async () => {
    await tick();
    await tick();
  });
const NOW = new Date('2025-03-10T12:00:00Z');
const ACCOUNT_ID = 'a0000000-0000-0000-0000-000000000001';

const relayStub = (): jest.Mocked<RelayClient> => ({
  syncNow: jest.fn().mockResolvedValue({ jobId: 'j1', status: 'queued' }),
  preview: jest.fn().mockResolvedValue({
    action: 'blocked',
    problems: [{ code: 'countryNotIso2', table: 'account' }],
    messages: ['The account country "Brasil" is not a two-letter ISO code.'],
  }),
  liveStatus: jest.fn(),
  accept: jest.fn().mockResolvedValue({ jobId: 'j2', status: 'queued' }),
  decline: jest.fn().mockResolvedValue({ jobId: 'j3', status: 'queued' }),
});

function events(count: number, outcome: number, offset = 0) {
  return Array.from({ length: count }, (_, i) => ({
    pcs_synceventid: `e${offset + i}`,
    pcs_direction: SyncDirection.toPartnerCenter,
    pcs_outcome: outcome,
    pcs_occurredon: new Date(NOW.getTime() - (offset + i) * 60_000).toISOString(),
    pcs_message: `attempt ${offset + i}`,
  }));
}

function viewProps(values: BoundValues, options: FakeContextOptions & { webAPI?: FakeWebApi } = {}) {
  const webAPI = options.webAPI ?? new FakeWebApi();
  const relay = relayStub();
  const copyText = jest.fn().mockResolvedValue(undefined);
  const context = fakeContext(values, { ...options, webAPI });
  const props = buildProps(context, {
    t: translator((id) => context.resources.getString(id)),
    fieldMap: parseFieldMap(values.fieldMap ?? ''),
    data: webApiData(webAPI),
    relay,
    now: () => NOW,
    copyText,
    onToggle: jest.fn(),
    pendingSyncEnabled: undefined,
  });
  return { props, relay, copyText, webAPI };
}

async function renderView(values: BoundValues, options: FakeContextOptions & { webAPI?: FakeWebApi } = {}) {
  const { props, ...services } = viewProps(values, options);
  const view = render(<PartnerCenterSync {...props} />);
  await flush();
  return { view, ...services };
}

const badge = () => screen.getByRole('status', { name: 'Sync status' });

describe('status badge', () => {
  it('✔ synced with relative time', async () => {
    await renderView({
      syncEnabled: true,
      syncStatus: SyncStatus.synced,
      lastSyncedOn: new Date('2025-03-10T11:57:00Z'),
    });
    expect(badge().textContent).toBe('✔Synced 3 minutes ago');
  });

  it('✖ error with the newest failed sync event message, else the audit line', async () => {
    const failing = new FakeWebApi(
      {},
      { pcs_syncevent: [{ entities: events(1, SyncOutcome.failed), nextLink: '' }] },
    );
    await renderView(
      { syncEnabled: true, syncStatus: SyncStatus.error, audit: 'old line\naudit says no' },
      { webAPI: failing },
    );
    expect(badge().textContent).toBe('✖Sync failedattempt 0');
  });

  it('✖ error falls back to the newest audit line when history is unavailable', async () => {
    await renderView({ syncEnabled: false, syncStatus: SyncStatus.error, audit: 'old line\naudit says no' });
    expect(badge().textContent).toBe('✖Sync failedaudit says no');
  });

  it('pending and off', async () => {
    const { view } = await renderView({ syncEnabled: true, syncStatus: SyncStatus.pending });
    expect(badge().textContent).toBe('…Sync pending');
    view.unmount();
    await renderView({ syncEnabled: false, syncStatus: null });
    expect(badge().textContent).toBe('○Not synced');
  });
});

describe('referral details', () => {
  const referralId = 'a1b2c3d4-0000-1111-2222-333344445555';

  it('shows the id with copy, the Partner Center link, status and the Microsoft CRM id', async () => {
    const { copyText } = await renderView({
      referralId,
      referralStatus: ReferralStatusOptions.Active,
      referralSubstatus: ReferralSubstatusOptions.Accepted,
      microsoftCrmId: '7-XYZ123',
    });
    expect(screen.getByText(referralId)).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Open in Partner Center' });
    expect(link.getAttribute('href')).toBe(referralLink(referralId));
    expect(link.getAttribute('target')).toBe('_blank');
    expect(screen.getByText('Active · Accepted')).toBeTruthy();
    expect(screen.getByText('7-XYZ123')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Copy referral ID' }));
    await flush();
    expect(copyText).toHaveBeenCalledWith(referralId);
    expect(screen.getByText('Copied')).toBeTruthy();
  });

  it('hides the Microsoft CRM id until Microsoft engaged', async () => {
    await renderView({ referralId });
    expect(screen.queryByText('Microsoft CRM ID')).toBeNull();
  });
});

describe('incoming referral', () => {
  const incoming = {
    referralId: 'r-1',
    referralStatus: ReferralStatusOptions.New,
    referralSubstatus: ReferralSubstatusOptions.Received,
  };

  it('accepts', async () => {
    const { relay } = await renderView(incoming);
    fireEvent.click(screen.getByRole('button', { name: 'Accept referral' }));
    await flush();
    expect(relay.accept).toHaveBeenCalledWith(OPPORTUNITY_ID);
    expect(screen.getByText('Referral accepted.')).toBeTruthy();
  });

  it('declines only with a reason', async () => {
    const { relay } = await renderView(incoming);
    fireEvent.click(screen.getByRole('button', { name: 'Decline referral' }));
    const group = screen.getByRole('group', { name: 'Decline referral' });
    fireEvent.click(within(group).getByRole('button', { name: 'Decline' }));
    await flush();
    expect(screen.getByText('Enter a reason.')).toBeTruthy();
    expect(relay.decline).not.toHaveBeenCalled();
    fireEvent.change(within(group).getByRole('textbox'), { target: { value: ' Customer has no budget ' } });
    fireEvent.click(within(group).getByRole('button', { name: 'Decline' }));
    await flush();
    expect(relay.decline).toHaveBeenCalledWith(OPPORTUNITY_ID, 'Customer has no budget');
    expect(screen.getByText('Referral declined.')).toBeTruthy();
  });

  it('is not offered for outgoing referrals waiting in New + Pending', async () => {
    await renderView({ ...incoming, referralSubstatus: ReferralSubstatusOptions.Pending });
    expect(screen.queryByRole('button', { name: 'Accept referral' })).toBeNull();
  });
});

describe('relay buttons', () => {
  it('Sync now queues and says so', async () => {
    const { relay } = await renderView({ syncEnabled: true });
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    await flush();
    expect(relay.syncNow).toHaveBeenCalledWith(OPPORTUNITY_ID);
    expect(screen.getByText('Sync queued. The status updates in a few seconds.')).toBeTruthy();
  });

  it('Sync now failure shows the relay message for its kind', async () => {
    const { relay } = await renderView({ syncEnabled: true });
    relay.syncNow.mockRejectedValueOnce(Object.assign(new Error('fetch failed'), { kind: 'unreachable' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    await flush();
    expect(
      screen.getByText("The co-sell relay can't be reached. Your changes still sync when you save."),
    ).toBeTruthy();
  });

  it('Preview lists what blocks the sync', async () => {
    const { relay } = await renderView({ syncEnabled: true });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await flush();
    expect(relay.preview).toHaveBeenCalledWith(OPPORTUNITY_ID);
    expect(screen.getByText('Nothing can be sent until these are fixed:')).toBeTruthy();
    expect(screen.getByText('The account country "Brasil" is not a two-letter ISO code.')).toBeTruthy();
  });
});

describe('sync history', () => {
  it('lists newest first, failures expanded, and pages on demand', async () => {
    const webAPI = new FakeWebApi(
      {},
      {
        pcs_syncevent: [
          {
            entities: events(2, SyncOutcome.failed),
            nextLink: 'https://x/api/data/v9.2/pcs_syncevents?$skiptoken=page=1',
          },
          { entities: events(1, SyncOutcome.succeeded, 2), nextLink: undefined as never },
        ],
      },
    );
    const { view } = await renderView({ syncEnabled: true }, { webAPI });
    const items = () => [...view.container.querySelectorAll('.pcs-event')];
    expect(items()).toHaveLength(2);
    expect(items()[0]?.querySelector('details')?.open).toBe(true);
    expect(items()[0]?.textContent).toContain('Failed · To Partner Center');
    fireEvent.click(screen.getByRole('button', { name: 'Show older' }));
    await flush();
    expect(items()).toHaveLength(3);
    expect(items()[2]?.querySelector('details')?.open).toBe(false);
    expect(screen.queryByRole('button', { name: 'Show older' })).toBeNull();
  });

  it('says it is loading from the first paint, never "no sync attempts yet" before the answer', async () => {
    const { props } = viewProps({ syncEnabled: true });
    const container = document.createElement('div');
    // Outside act: the DOM of the first commit, before any effect has run.
    ReactDOM.render(<PartnerCenterSync {...props} />, container);
    const history = container.querySelector('.pcs-events');
    expect(history?.textContent).toContain('Loading…');
    expect(history?.textContent).not.toContain('No sync attempts yet.');
    await act(async () => {
      ReactDOM.unmountComponentAtNode(container);
    });
  });

  it('builds its date formatter once per language, not on every render', async () => {
    const webAPI = new FakeWebApi(
      {},
      {
        pcs_syncevent: [
          {
            entities: events(2, SyncOutcome.failed),
            nextLink: 'https://x/api/data/v9.2/pcs_syncevents?$skiptoken=page=1',
          },
          { entities: events(2, SyncOutcome.succeeded, 2), nextLink: undefined as never },
        ],
      },
    );
    const constructed = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      const { view } = await renderView({ syncEnabled: true }, { webAPI });
      fireEvent.click(screen.getByRole('button', { name: 'Show older' }));
      await flush();
      expect(view.container.querySelectorAll('.pcs-event time[datetime]')).toHaveLength(4);
      // Every load re-renders the list: at most the first render may build a formatter.
      expect(constructed.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      constructed.mockRestore();
    }
  });

  it('says so when there is no history, and when it cannot be read', async () => {
    const { view } = await renderView({});
    expect(screen.getByText('No sync attempts yet.')).toBeTruthy();
    view.unmount();
    const broken = new FakeWebApi();
    broken.retrieveMultipleRecords = () =>
      Promise.reject({ message: 'Principal user is missing prvReadpcs_syncevent' });
    await renderView({}, { webAPI: broken });
    expect(
      screen.getByText("Couldn't load the sync history: Principal user is missing prvReadpcs_syncevent"),
    ).toBeTruthy();
  });
});

describe('pre-flight checklist', () => {
  it('appears when sync is on and names what to fix', async () => {
    const webAPI = new FakeWebApi({
      opportunity: {
        [OPPORTUNITY_ID]: {
          name: 'Contoso',
          estimatedvalue: 1000,
          estimatedclosedate: '2025-06-30',
          pcs_helpneeded: 727100002,
          pcs_referralvisibility: 727100001,
          _parentaccountid_value: ACCOUNT_ID,
          _parentcontactid_value: null,
        },
      },
      account: { [ACCOUNT_ID]: { name: 'Contoso', address1_country: 'Brasil' } },
    });
    const { view } = await renderView({ syncEnabled: true }, { webAPI, lcid: 3082 });
    const checks = [...view.container.querySelectorAll('.pcs-check')];
    expect(checks.map((c) => c.classList.contains('pcs-check--ok'))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(checks[2]?.textContent).toContain('Brasil');
    expect(screen.getByRole('heading', { name: '¿Listo para compartir con Microsoft?' })).toBeTruthy();
  });

  it('is hidden when sync is off', async () => {
    const { view } = await renderView({ syncEnabled: false });
    expect(view.container.querySelector('.pcs-preflight')).toBeNull();
  });
});

describe('invalid field map', () => {
  it("shows the validator's errors instead of breaking the form", async () => {
    const bad = JSON.stringify({
      version: 1,
      entries: [{ referral: 'details.dealValue', table: 'nope', column: 'x' }],
    });
    const parsed = parseFieldMap(bad);
    expect(parsed.ok).toBe(false);
    const { view } = await renderView({ syncEnabled: true, fieldMap: bad });
    const box = view.container.querySelector('.pcs-fieldmap-errors');
    expect(box?.textContent).toContain("The field map in this control's properties is invalid.");
    if (!parsed.ok) expect(box?.textContent).toContain(parsed.errors[0]!.message);
    expect(view.container.querySelector('.pcs-preflight')).toBeNull();
    expect(badge()).toBeTruthy();
  });

  it('empty means the default map', () => {
    expect(parseFieldMap('')).toEqual({ ok: true, map: DEFAULT_FIELD_MAP });
  });
});
