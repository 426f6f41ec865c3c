/**
 * The demo form end to end in Debian Chromium: the sandbox (both simulators, relay, setup, seed) and
 * the demo server start in-process on 127.0.0.1; the page runs the real PCF bundle and the real form
 * library on the form rendered from our imported FormXml. Screenshots go to test-results/demo/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HelpNeededOptions, OpportunityColumns as O } from '../../../Domain/constants';
import { parseResx } from '../../../DevStack/demo/client/model/manifest';
import { sandboxExtra } from '../../../DevStack/demo/sandboxExtra';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { startSandbox, type Sandbox } from '../../../DevStack/sandbox/sandbox';
import { DIST_DIR, REPO_ROOT } from '../../testkit/paths';
import { publishScreenshot } from '../../testkit/screenshots';

const SHOTS = path.join(REPO_ROOT, 'test-results/demo');
const CHROMIUM = '/usr/bin/chromium';
const built = ['out/controls/PartnerCenterSync/bundle.js', 'out/webresources/opportunityform.js'].every(
  (file) => existsSync(path.join(REPO_ROOT, file)),
);
const hasZip = existsSync(DIST_DIR) && existsSync(CHROMIUM);

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
    // The relay may append ✔ / ✖ to the name (pcs_ShowCheckmarkInName), hence has-text.
    await page.click(`[data-testid=opportunity-list] a:has-text("${name}")`);
    await page.waitForSelector('[data-testid=form-title]');
    await page.click('[data-testid=tab-tab_partnercenter]');
    await page.waitForSelector('[data-testid=pcf-pcs_syncwithpartnercenter] [role=switch]');
  }

  const pcf = (page: Page) => page.locator('[data-testid=pcf-pcs_syncwithpartnercenter]');
  /** Refresh the form until the control's status badge shows `symbol` (the relay writes back asynchronously). */
  async function waitForBadge(page: Page, symbol: string): Promise<void> {
    const badge = pcf(page).locator(`.pcs-badge:has-text("${symbol}")`);
    for (let attempt = 0; attempt < 60; attempt += 1) {
      if (await badge.count()) return;
      await page.click('[data-testid=cmd-refresh]');
      await page.waitForTimeout(1000);
    }
    throw new Error(`badge ${symbol} never appeared`);
  }

  /** A full-page screenshot in test-results/demo; `docName` also refreshes that picture in docs/. */
  async function shot(page: Page, name: string, docName?: string): Promise<void> {
    const file = path.join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (docName) publishScreenshot(file, docName);
  }

  const solutionsGrid = '[data-testid=subgrid-MicrosoftSolutions]';
  /** Refresh the form until the Microsoft Solutions grid shows `solutionId`: the relay copies it from
   *  the catalogue a moment after the row is added, and a subgrid does not re-read by itself. */
  async function waitForSolutionId(page: Page, solutionId: string): Promise<void> {
    const cell = page.locator(`${solutionsGrid} td:text-is("${solutionId}")`);
    for (let attempt = 0; attempt < 60; attempt += 1) {
      if (await cell.count()) return;
      await page.click('[data-testid=cmd-refresh]');
      await page.waitForTimeout(1000);
    }
    throw new Error(`Solution ID ${solutionId} never appeared`);
  }

  /** The bodies the page POSTs to create solution rows: what the seller's browser writes. */
  function solutionRowWrites(page: Page): Array<Record<string, unknown>> {
    const bodies: Array<Record<string, unknown>> = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && /\/pcs_microsoftsolutions$/.test(new URL(request.url()).pathname))
        bodies.push(JSON.parse(request.postData() ?? '{}') as Record<string, unknown>);
    });
    return bodies;
  }

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
    await waitForSolutionId(page, 'SOL-15974-MQF');
    await shot(page, '1-scenario1-before-save');
    await page.click('[data-testid=cmd-save]');
    await pcf(page).locator('.pcs-badge:has-text("✔")').waitFor({ timeout: 60_000 });
    const link = pcf(page).locator('a[href*="partner.microsoft.com"]');
    await link.first().waitFor();
    expect(await link.first().getAttribute('href')).toMatch(/referrals\/cosellopportunities\/[0-9a-f-]{36}$/);
    await page.waitForSelector('[data-testid=pc-referral]');
    expect(await page.textContent('[data-testid=pc-solutions]')).toContain('SOL-15974-MQF');
    await shot(page, '2-scenario1-synced', 'demo-scenario1-synced.png');
    await page.close();
  });
  it('a solution picked from the catalogue gets its Solution ID from the relay, and the deal syncs', async () => {
    const page = await newPage();
    const writes = solutionRowWrites(page);
    await openOpportunity(page, 'Northwind analytics platform');
    await pcf(page).locator('.pcs-badge:has-text("✔")').waitFor({ timeout: 60_000 });
    // The co-sell deal loses its only solution: the relay's rules block it.
    await page.locator(`${solutionsGrid} tr:has(td:text-is("SOL-15974-MQF")) button`).click();
    await page.waitForSelector(`${solutionsGrid} td:text-is("SOL-15974-MQF")`, { state: 'detached' });
    await waitForBadge(page, '✖');
    expect(await pcf(page).textContent()).toContain('Add at least one Microsoft solution');

    await page.selectOption('[data-testid=subgrid-MicrosoftSolutions-catalogue]', {
      label: 'Contoso Secure Landing Zone (SOL-20411-AZR)',
    });
    await page.click('[data-testid=subgrid-MicrosoftSolutions-add]');
    await waitForSolutionId(page, 'SOL-20411-AZR');
    // The page wrote the two lookups only: the id, name and publisher are the relay's copy.
    expect(writes.map((body) => Object.keys(body).sort())).toEqual([
      ['pcs_opportunityid@odata.bind', 'pcs_solutiondetailid@odata.bind'],
    ]);
    expect(await page.textContent(solutionsGrid)).toContain('Contoso Secure Landing Zone');
    await waitForBadge(page, '✔');
    await page.waitForSelector('[data-testid=pc-solutions]:has-text("SOL-20411-AZR")', { timeout: 60_000 });
    await shot(page, '3a-catalogue-solution-synced', 'demo-catalogue-solution.png');
    await page.close();
  });

  it('scenario 2: Microsoft creates a referral → it appears in the list, opens with the card populated', async () => {
    const page = await newPage();
    const name = 'Woodgrove — demo referral';
    await page.fill('[data-testid=ms-name]', name);
    await page.fill('[data-testid=ms-company]', 'Woodgrove Bank');
    await page.click('[data-testid=ms-create]');
    await page.waitForSelector(`[data-testid=opportunity-list] a:has-text("${name}")`, { timeout: 60_000 });
    await shot(page, '3-scenario2-listed');
    await openOpportunity(page, name);
    const referralId = await pcf(page)
      .locator('code, .pcs-referral-id, [aria-label*="Referral"]')
      .first()
      .textContent()
      .catch(() => null);
    await page.waitForSelector('[data-testid=pc-referral]');
    expect(await page.textContent('[data-testid=pc-status]')).toMatch(/New|Active/);
    expect(await pcf(page).textContent()).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(await pcf(page).locator('[role=switch]').getAttribute('aria-checked')).toBe('true');
    expect(referralId === null || referralId.length > 0).toBe(true);
    await shot(page, '4-scenario2-card');
    await page.close();
  });

  it('pre-flight blocks the save and shows the messages', async () => {
    const page = await newPage();
    await openOpportunity(page, 'Tailspin Toys data estate');
    await page.selectOption(`[data-testid=input-${O.parentContact}]`, '');
    await pcf(page).locator('[role=switch]').click();
    await page.selectOption(
      `[data-testid=input-${O.helpNeeded}]`,
      String(HelpNeededOptions.ProofOfConceptOrDemo),
    );
    await page.click('[data-testid=cmd-save]');
    await page.waitForSelector('[data-testid=save-state]:has-text("prevented")');
    const messages = await page.locator('.field-notification, .form-notification').allTextContents();
    expect(messages.filter((text) => text.trim()).length).toBeGreaterThan(0);
    await shot(page, '5-preflight-blocked', 'demo-preflight-blocked.png');
    await page.close();
  });

  it('a failed sync shows ✖ with the message, then recovers to ✔ once the account is fixed', async () => {
    const page = await newPage();
    await openOpportunity(page, 'Tailspin Toys data estate');
    // The account's country through the page's own Xrm.WebApi (the account form is not in the demo).
    const setCountry = (country: string) =>
      page.evaluate(async (value) => {
        const xrm = (window as unknown as { Xrm: { Page: Xrm.FormContext; WebApi: Xrm.WebApi } }).Xrm;
        const account = (
          xrm.Page.getAttribute('parentaccountid') as Xrm.Attributes.LookupAttribute
        ).getValue()?.[0];
        if (!account) throw new Error('no account on the opportunity');
        await xrm.WebApi.updateRecord('account', account.id, { address1_country: value });
      }, country);
    const syncNow = () => pcf(page).getByRole('button', { name: 'Sync now' }).click();
    await setCountry('US');
    await pcf(page).locator('[role=switch]').click();
    await page.click('[data-testid=cmd-save]');
    await pcf(page).locator('.pcs-badge:has-text("✔")').waitFor({ timeout: 60_000 });
    // The account changes behind the form's back: the next sync fails on the relay's own rules.
    await setCountry('United States');
    await syncNow();
    await waitForBadge(page, '✖');
    expect(await pcf(page).textContent()).toContain('United States');
    await shot(page, '6-error', 'demo-error.png');
    // Fixing the account is enough: its step re-syncs the deal, nobody presses Sync now or saves.
    await setCountry('US');
    await waitForBadge(page, '✔');
    await shot(page, '7-recovered', 'demo-account-fixed.png');
    await page.close();
  });

  it('a field-map change made in the form editor drives the next sync', async () => {
    const page = await newPage();
    await openOpportunity(page, 'Northwind analytics platform');
    const original = await page.inputValue('[data-testid=fieldmap-text]');
    const map = JSON.parse(original) as {
      entries: { referral: string; column: string; direction: string }[];
    };
    const notes = map.entries.find((entry) => entry.referral === 'details.notes');
    expect(notes).toMatchObject({ column: O.description, direction: 'both' });
    // First an invalid edit: the shared validator refuses it and nothing is written to the form.
    notes!.column = O.name;
    await page.fill('[data-testid=fieldmap-text]', JSON.stringify(map, null, 2));
    await page.click('[data-testid=fieldmap-publish]');
    await page.waitForSelector('[data-testid=fieldmap-error]:has-text("details.notes")');
    await shot(page, '8-fieldmap-invalid');
    // Then a valid one: notes only flow from Partner Center into Dynamics 365, no longer back.
    notes!.column = O.description;
    notes!.direction = 'toDataverse';
    await page.fill('[data-testid=fieldmap-text]', JSON.stringify(map, null, 2));
    await page.click('[data-testid=fieldmap-publish]');
    await page.waitForSelector('[data-testid=fieldmap-status]:has-text("published")');
    await page.waitForSelector('[data-testid=form-title]');
    expect(await page.inputValue('[data-testid=fieldmap-text]')).toContain('"toDataverse"');
    await page.waitForTimeout(2500); // the sandbox relay re-reads published forms every 2 s
    await page.click('[data-testid=tab-tab_summary]');
    await page.fill(`[data-testid=input-${O.description}]`, 'Seller note that must stay in Dynamics 365');
    await page.fill(`[data-testid=input-${O.estimatedValue}]`, '77777');
    await page.locator(`[data-testid=input-${O.estimatedValue}]`).blur();
    await page.click('[data-testid=cmd-save]');
    // The same sync carries the deal value (still mapped both ways) but not the notes any more.
    await page.waitForSelector('[data-testid=pc-dealvalue]:has-text("77777")', { timeout: 60_000 });
    expect(await page.textContent('[data-testid=pc-referral]')).not.toContain('Seller note that must stay');
    await shot(page, '9-fieldmap-effect');
    await page.close();
  });

  /** Refresh the form until the control contains `text` (the relay writes back asynchronously). */
  async function waitForControlText(page: Page, text: string): Promise<void> {
    for (let attempt = 0; attempt < 60; attempt += 1) {
      if ((await pcf(page).textContent())?.includes(text)) return;
      await page.click('[data-testid=cmd-refresh]');
      await page.waitForTimeout(1000);
    }
    throw new Error(`the control never showed ${text}`);
  }

  it('Partner Center rejects the create (400): ✖ and a message the seller can act on', async () => {
    await createSeedOpportunity(sandbox.stack.sellerClient(), {
      name: 'Fabrikam rejected by Partner Center',
      account: 'Fabrikam Rejected',
      sync: false,
    });
    const page = await newPage();
    await page.click('[data-testid=ms-fault-400]');
    await page.waitForSelector('[data-testid=ms-message]:has-text("Reject next create: done")');
    await openOpportunity(page, 'Fabrikam rejected by Partner Center');
    await pcf(page).locator('[role=switch]').click();
    await page.click('[data-testid=cmd-save]');
    await waitForBadge(page, '✖');
    await waitForControlText(page, 'Partner Center did not accept the referral.');
    const control = (await pcf(page).textContent()) ?? '';
    expect(control).toContain('select Sync now');
    expect(control).not.toMatch(/Injected fault|PartnerAPI/);
    await shot(page, '11-rejected-by-partner-center', 'demo-rejected-by-partner-center.png');
    await page.close();
  });

  it('a Microsoft seller engages: who, when, the note, the status and the CRM id in the control', async () => {
    const page = await newPage();
    await openOpportunity(page, 'Northwind analytics platform');
    await page.waitForSelector('[data-testid=pc-referral]');
    await page.click('[data-testid=ms-engage]');
    await page.waitForSelector('[data-testid=ms-won]');
    await waitForControlText(page, 'Mia Seller');
    const section = pcf(page).locator('.pcs-microsoft');
    expect(await section.textContent()).toContain(
      'I will bring the Azure specialist to the next customer call.',
    );
    expect(await section.textContent()).toMatch(/Accepted.*Microsoft CRM ID7-/);
    expect(await section.locator('a[href="mailto:mia.seller@microsoft.example"]').count()).toBe(1);
    await page.fill('[data-testid=ms-notes]', 'Customer signed the Azure commitment.');
    await page.click('[data-testid=ms-won]');
    await waitForControlText(page, 'Customer signed the Azure commitment.');
    expect(await section.textContent()).toContain('Won');
    expect(await pcf(page).locator('.pcs-events').textContent()).toContain('Microsoft joined the engagement');
    await shot(page, '12-microsoft-engaged', 'demo-microsoft-engaged.png');
    await page.close();
  });

  it('an incoming referral shows when it expires, as a warning under three days', async () => {
    const page = await newPage();
    const name = 'Contoso — referral expiring soon';
    await page.fill('[data-testid=ms-name]', name);
    await page.fill('[data-testid=ms-company]', 'Contoso Expiring');
    await page.fill('[data-testid=ms-expires-days]', '2.5');
    await page.click('[data-testid=ms-create]');
    await page.waitForSelector(`[data-testid=opportunity-list] a:has-text("${name}")`, { timeout: 60_000 });
    await openOpportunity(page, name);
    await waitForControlText(page, 'Expires in 2 days');
    const warning = pcf(page).locator('.pcs-deadline--warning');
    expect(await warning.textContent()).toContain('Accept or decline it before then');
    // Microsoft sent it: the Microsoft seller and message from the referral's team and invite context.
    expect(await pcf(page).locator('.pcs-microsoft').textContent()).toContain('John Doe');
    await shot(page, '13-referral-expiring', 'demo-referral-expiring.png');
    await page.close();
  });

  it('runs in pt-BR: form labels and the control in Portuguese', async () => {
    const resx = (lcid: number) =>
      parseResx(
        readFileSync(
          path.join(REPO_ROOT, `out/controls/PartnerCenterSync/strings/PartnerCenterSync.${lcid}.resx`),
          'utf8',
        ),
      );
    const page = await newPage(1046);
    await openOpportunity(page, 'Northwind analytics platform');
    expect(await pcf(page).textContent()).toContain(resx(1046).Toggle_Label);
    expect(resx(1046).Toggle_Label).not.toBe(resx(1033).Toggle_Label);
    expect(await page.textContent('[data-testid=cmd-save]')).toBe('Salvar');
    await shot(page, '10-pt-BR', 'demo-pt-BR.png');
    await page.close();
  });
});
