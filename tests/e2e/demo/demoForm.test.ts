/**
 * The demo form end to end in Debian Chromium: the sandbox (both simulators, relay, setup, seed) and
 * the demo server start in-process on 127.0.0.1; the page runs the real PCF bundle and the real form
 * library on the form rendered from our imported FormXml. Screenshots go to test-results/demo/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HelpNeededOptions, OpportunityColumns as O } from '../../../Domain/constants';
import { sandboxExtra } from '../../../Relay/demo/sandboxExtra';
import { startSandbox, type Sandbox } from '../../../Relay/sandbox/sandbox';

const REPO = path.resolve(__dirname, '../../..');
const SHOTS = path.join(REPO, 'test-results/demo');
const CHROMIUM = '/usr/bin/chromium';
const built = ['out/controls/PartnerCenterSync/bundle.js', 'out/webresources/opportunityform.js'].every(
  (file) => existsSync(path.join(REPO, file)),
);
const hasZip = existsSync(path.join(REPO, 'dist')) && existsSync(CHROMIUM);

jest.setTimeout(120_000);

(built && hasZip ? describe : describe.skip)('demo form in the browser', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-demo-'));
    sandbox = await startSandbox({ dataDir, reset: true, extras: [sandboxExtra] });
    url = sandbox.endpoints.extras.demo ?? '';
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function newPage(lcid = 1033): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    // Only loopback: Fluent's icon/font CDNs and anything else outside 127.0.0.1 are refused.
    await page.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
    await page.goto(`${url}/?lcid=${lcid}`);
    return page;
  }

  async function openOpportunity(page: Page, name: string): Promise<void> {
    await page.click(`[data-testid=opportunity-list] a:text-is("${name}")`);
    await page.waitForSelector('[data-testid=form-title]');
    await page.click('[data-testid=tab-tab_partnercenter]');
    await page.waitForSelector('[data-testid=pcf-pcs_syncwithpartnercenter] [role=switch]');
  }

  const pcf = (page: Page) => page.locator('[data-testid=pcf-pcs_syncwithpartnercenter]');
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('scenario 1: toggle sync, pick help needed, add a solution, save → ✔ and the referral link', async () => {
    const page = await newPage();
    await openOpportunity(page, 'Adventure Works landing zone (private)');
    await pcf(page).locator('[role=switch]').click();
    // OnChange (onSyncChange) shows help needed once sync is on.
    await page.selectOption(
      `[data-testid=input-${O.helpNeeded}]`,
      String(HelpNeededOptions.CustomerTechnicalArchitecture),
    );
    await page.selectOption('[data-testid=subgrid-MicrosoftSolutions-catalogue]', {
      label: 'Contoso Analytics on Azure (SOL-15974-MQF)',
    });
    await page.click('[data-testid=subgrid-MicrosoftSolutions-add]');
    await page.waitForSelector('[data-testid=subgrid-MicrosoftSolutions] td:text-is("SOL-15974-MQF")');
    await shot(page, '1-scenario1-before-save');
    await page.click('[data-testid=cmd-save]');
    await pcf(page).locator('.pcs-badge:has-text("✔")').waitFor({ timeout: 60_000 });
    const link = pcf(page).locator('a[href*="partner.microsoft.com"]');
    await link.first().waitFor();
    expect(await link.first().getAttribute('href')).toMatch(/referrals\/cosellopportunities\/[0-9a-f-]{36}$/);
    await page.waitForSelector('[data-testid=pc-referral]');
    expect(await page.textContent('[data-testid=pc-solutions]')).toContain('SOL-15974-MQF');
    await shot(page, '2-scenario1-synced');
    await page.close();
  });
});
