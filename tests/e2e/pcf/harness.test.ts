/**
 * The built control in the pcf-start harness, in Debian Chromium (playwright-core, no browser download).
 * Served on 127.0.0.1; the harness's CDN requests are answered from node_modules or refused.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SyncStatus, ReferralStatusOptions, ReferralSubstatusOptions, referralLink } from '../../../Domain';
import { ensureBuiltControl } from './builtControl';
import { CHROMIUM, chromiumInstalled, openHarnessBrowser, type HarnessBrowser } from './harnessBrowser';
import { REPO_ROOT } from '../../testkit/paths';
import { publishScreenshot } from '../../testkit/screenshots';

const canRun = chromiumInstalled() || Boolean(process.env.CI);
if (!canRun) {
  console.warn(`tests/e2e/pcf skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI it runs.`);
}
const describeBrowser = canRun ? describe : describe.skip;

const artifacts = path.join(REPO_ROOT, 'test-results', 'pcf');
const REFERRAL_ID = '3c1f9a2e-6b7d-4e1a-9c55-0d2e8f4a7b61';

describeBrowser('PartnerCenterSync in the pcf-start harness (Chromium)', () => {
  let harness: HarnessBrowser;
  let page: Page;

  beforeAll(async () => {
    harness = await openHarnessBrowser(ensureBuiltControl(), 'development');
    page = await harness.newPage();
    await page.goto(harness.server.url);
    await page.getByRole('switch', { name: 'Sync with Partner Center' }).waitFor();
    await setInput('fieldMap', '');
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });

  /** A harness "Data Inputs" row: property name, then its value editor. */
  const row = (property: string) =>
    page
      .locator('#accordion__panel-data_inputs > div > div')
      .filter({ has: page.getByText(property, { exact: true }) });

  async function setInput(property: string, value: string): Promise<void> {
    const input = row(property).locator('input');
    await input.fill(value);
    await input.press('Tab');
  }

  const control = () => page.locator('.pcs-root');
  const badge = () => page.getByRole('status', { name: 'Sync status' });

  async function screenshot(name: string): Promise<string> {
    mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, `${name}.png`);
    // The harness has no Web API, so the history and the pre-flight can only show their "couldn't load"
    // lines; hide them in the pictures (the jsdom tests cover both).
    await control().screenshot({
      path: file,
      style: '.pcs-events, .pcs-preflight { display: none !important; }',
    });
    return file;
  }

  it('renders the control and the toggle writes the bound output', async () => {
    await expect(control().isVisible()).resolves.toBe(true);
    const select = row('syncEnabled').locator('select');
    await select.selectOption('true');
    const toggle = page.getByRole('switch', { name: 'Sync with Partner Center' });
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('true');

    await toggle.click();
    // notifyOutputChanged → getOutputs → the harness writes the output back into the bound property.
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLSelectElement>('#accordion__panel-data_inputs select')?.value === 'false',
    );
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('false');
    await expect(badge().textContent()).resolves.toContain('Not synced');

    await toggle.click();
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLSelectElement>('#accordion__panel-data_inputs select')?.value === 'true',
    );
  });

  it('synced state: ✔ with relative time, referral id, link and Microsoft CRM id', async () => {
    const fiveMinutesAgo = new Date(Date.now() - 5 * 60_000);
    const local = new Date(fiveMinutesAgo.getTime() - fiveMinutesAgo.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 19);
    await setInput('syncStatus', String(SyncStatus.synced));
    await setInput('lastSyncedOn', local);
    await setInput('referralId', REFERRAL_ID);
    await setInput('referralLink', '');
    await setInput('microsoftCrmId', '7-3KQ9ZP1');
    await setInput('referralStatus', String(ReferralStatusOptions.Active));
    await setInput('referralSubstatus', String(ReferralSubstatusOptions.Accepted));
    await setInput('audit', '');

    await page.getByText('Active · Accepted').waitFor();
    await expect(badge().textContent()).resolves.toMatch(/^✔Synced \d+ minutes? ago$/);
    await expect(page.getByText(REFERRAL_ID).isVisible()).resolves.toBe(true);
    await expect(
      page.getByRole('link', { name: 'Open in Partner Center' }).getAttribute('href'),
    ).resolves.toBe(referralLink(REFERRAL_ID));
    await expect(page.getByText('7-3KQ9ZP1').isVisible()).resolves.toBe(true);
    const file = await screenshot('pcf-synced');
    publishScreenshot(file, 'pcf-synced.png');
  });

  it('error state: ✖ with the newest audit line', async () => {
    await setInput('syncStatus', String(SyncStatus.error));
    await setInput(
      'audit',
      // The harness edits Multiple properties in a one-line input; multi-line audits are unit-tested.
      '2025-03-10 11:58 ✖ Partner Center refused the update: country "Brasil" is not a two-letter ISO code',
    );
    await page.getByText('Sync failed').waitFor();
    await expect(badge().textContent()).resolves.toBe(
      '✖Sync failed2025-03-10 11:58 ✖ Partner Center refused the update: country "Brasil" is not a two-letter ISO code',
    );
    const file = await screenshot('pcf-error');
    publishScreenshot(file, 'pcf-error.png');
  });

  it('pending state, and an invalid field map shown to the customizer', async () => {
    await setInput('syncStatus', String(SyncStatus.pending));
    await page.getByText('Sync pending').waitFor();
    await setInput('fieldMap', '{"version": 1, "entries": "oops"}');
    await page.locator('.pcs-fieldmap-errors').waitFor();
    await expect(page.locator('.pcs-fieldmap-errors').textContent()).resolves.toContain(
      "The field map in this control's properties is invalid.",
    );
    await screenshot('pcf-fieldmap-invalid');
    await setInput('fieldMap', '');
    await page.locator('.pcs-fieldmap-errors').waitFor({ state: 'detached' });
  });

  it('fits a narrow form column without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 560, height: 900 });
    const overflow = await control().evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot('pcf-narrow');
  });
});
