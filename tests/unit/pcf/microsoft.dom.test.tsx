/**
 * The Microsoft section and the referral deadline in the rendered control (props from the real props
 * mapping over a fake context, data through the real Web API reads over a fake Web API).
 */
import { act, render, screen, within } from '@testing-library/react';
import { setIconOptions } from '@fluentui/react';
import * as React from 'react';
import {
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  parseFieldMap,
  type RelayClient,
} from '../../../Domain';
import { PartnerCenterSync } from '../../../PCFControls/PartnerCenterSync/components/PartnerCenterSync';
import { webApiData } from '../../../PCFControls/PartnerCenterSync/data';
import { buildProps } from '../../../PCFControls/PartnerCenterSync/props';
import { translator } from '../../../PCFControls/PartnerCenterSync/strings';
import { fakeContext, FakeWebApi, OPPORTUNITY_ID, type BoundValues } from './fakeContext';

setIconOptions({ disableWarnings: true });

const NOW = new Date('2026-03-01T12:00:00Z');
const flush = () =>
  act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

const relay = {} as RelayClient;

async function renderWith(values: BoundValues, row: Record<string, unknown>, lcid = 1033) {
  const webAPI = new FakeWebApi({ opportunity: { [OPPORTUNITY_ID]: row } });
  const context = fakeContext(values, { webAPI, lcid });
  const props = buildProps(context, {
    t: translator((id) => context.resources.getString(id)),
    fieldMap: parseFieldMap(''),
    data: webApiData(webAPI),
    relay,
    now: () => NOW,
    copyText: jest.fn(),
    onToggle: jest.fn(),
    pendingSyncEnabled: undefined,
  });
  const view = render(<PartnerCenterSync {...props} />);
  await flush();
  return view;
}

const engaged = {
  pcs_microsoftsellername: 'Mia Seller',
  pcs_microsoftselleremail: 'mia.seller@microsoft.example',
  pcs_microsoftengagedon: '2026-03-01T10:00:00Z',
  pcs_microsoftupdatedon: '2026-03-01T11:30:00Z',
  pcs_microsoftnotes: 'I will bring the Azure specialist to the next call.',
  pcs_microsoftstatus: ReferralSubstatusOptions.Accepted,
};
const active = {
  referralId: 'r-1',
  referralStatus: ReferralStatusOptions.Active,
  referralSubstatus: ReferralSubstatusOptions.Accepted,
  microsoftCrmId: '7-ENGAGED01',
};

describe('Microsoft section', () => {
  it('shows who engaged (mail link), status, when, Microsoft’s note and CRM id', async () => {
    await renderWith(active, engaged);
    const section = screen.getByRole('region', { name: 'Microsoft' });
    expect(section.querySelector('.ms-Persona-primaryText')?.textContent).toContain('Mia Seller');
    expect(
      within(section).getByRole('link', { name: 'mia.seller@microsoft.example' }).getAttribute('href'),
    ).toBe('mailto:mia.seller@microsoft.example');
    expect(within(section).getByText('Microsoft status').nextElementSibling?.textContent).toBe('Accepted');
    expect(within(section).getByText('Engaged').nextElementSibling?.textContent).toBe('2 hours ago');
    expect(within(section).getByText('Last change by Microsoft').nextElementSibling?.textContent).toBe(
      '30 minutes ago',
    );
    expect(within(section).getByText('I will bring the Azure specialist to the next call.')).toBeTruthy();
    expect(within(section).getByText('7-ENGAGED01')).toBeTruthy();
  });

  it('reads in Portuguese', async () => {
    await renderWith(active, { ...engaged, pcs_microsoftstatus: ReferralSubstatusOptions.Won }, 1046);
    const section = screen.getByRole('region', { name: 'Microsoft' });
    expect(within(section).getByText('Status da Microsoft').nextElementSibling?.textContent).toBe('Ganha');
    expect(within(section).getByText('Engajou').nextElementSibling?.textContent).toBe('há 2 horas');
    expect(within(section).getByText('Nota da Microsoft')).toBeTruthy();
  });

  it('only the CRM id before the engagement details arrive; nothing before Microsoft engaged', async () => {
    const view = await renderWith(active, {});
    const section = screen.getByRole('region', { name: 'Microsoft' });
    expect(within(section).getByText('7-ENGAGED01')).toBeTruthy();
    expect(within(section).queryByText('Microsoft status')).toBeNull();
    view.unmount();
    await renderWith({ ...active, microsoftCrmId: null }, {});
    expect(screen.queryByRole('region', { name: 'Microsoft' })).toBeNull();
  });
});

describe('referral deadline', () => {
  const waiting = {
    referralId: 'r-2',
    referralStatus: ReferralStatusOptions.New,
    referralSubstatus: ReferralSubstatusOptions.Pending,
  };

  it('plain text with more than three days left', async () => {
    await renderWith(waiting, { pcs_referralexpireson: '2026-03-06T12:00:00Z' });
    expect(screen.getByText('Expires in 5 days')).toBeTruthy();
    expect(document.querySelector('.pcs-deadline--warning')).toBeNull();
  });

  it('a warning under three days, saying what happens then; estimated says so', async () => {
    await renderWith(waiting, {
      pcs_referralexpireson: '2026-03-03T06:00:00Z',
      pcs_referralexpiryestimated: true,
    });
    const warning = document.querySelector('.pcs-deadline--warning')!;
    expect(warning.textContent).toContain('Expires in 1 day');
    expect(warning.textContent).toContain('(estimated: 14 days after the referral arrived)');
    expect(warning.textContent).toContain('Accept or decline it before then');
  });

  it('in Spanish, and not at all once the referral is answered', async () => {
    const view = await renderWith(waiting, { pcs_referralexpireson: '2026-03-02T12:00:00Z' }, 3082);
    expect(document.querySelector('.pcs-deadline--warning')!.textContent).toContain('Vence dentro de 1 día');
    view.unmount();
    await renderWith(active, { pcs_referralexpireson: '2026-03-02T12:00:00Z' });
    expect(document.querySelector('.pcs-deadline')).toBeNull();
  });
});
