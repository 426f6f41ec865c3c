/**
 * Debian Chromium (playwright-core, no browser download) on the pcf-start harness serving the built
 * control, for the harness e2e tests and bench/pcf-render.bench.ts. Every outside request is refused;
 * the harness's React comes from node_modules.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarnessServer, type HarnessServer } from './harnessServer';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumInstalled = (): boolean => existsSync(CHROMIUM);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * `development`: the React builds pcf-start's index.html names (warnings on, what the tests want).
 * `production`: the minified builds, as model-driven apps provide the platform library (what timings want).
 */
export type ReactBuild = 'development' | 'production';

export interface HarnessBrowser {
  server: HarnessServer;
  browser: Browser;
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

const umd = (pkg: 'react' | 'react-dom', build: ReactBuild): string =>
  require.resolve(`${pkg}/umd/${pkg}.${build === 'production' ? 'production.min' : 'development'}.js`);

export async function openHarnessBrowser(controlDir: string, react: ReactBuild): Promise<HarnessBrowser> {
  const server = await startHarnessServer(controlDir);
  const browser = await chromium
    .launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    .catch(async (e) => {
      await server.close();
      throw e;
    });

  async function newPage({ width = 1100, height = 900 } = {}): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height }, locale: 'en-US' });
    // Routes registered later win: refuse every outside request first, then answer the ones the harness needs.
    await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.fulfill({ status: 404, body: '' }));
    await page.route('https://unpkg.com/react@16.14.0/umd/react.development.js', (route) =>
      route.fulfill({ path: umd('react', react), contentType: 'text/javascript' }),
    );
    await page.route('https://unpkg.com/react-dom@16.14.0/umd/react-dom.development.js', (route) =>
      route.fulfill({ path: umd('react-dom', react), contentType: 'text/javascript' }),
    );
    // The harness merges every resx it loads into one table (the last one wins), unlike the platform,
    // which loads the user's language only; serve English for all three so the page is English.
    await page.route(/\/strings\/PartnerCenterSync\.(1046|3082)\.resx$/, (route) =>
      route.fulfill({
        path: path.join(controlDir, 'strings', 'PartnerCenterSync.1033.resx'),
        contentType: 'application/xml',
      }),
    );
    // The harness's Web API alerts "not yet supported"; dismiss like a user would.
    page.on('dialog', (dialog) => void dialog.dismiss());
    return page;
  }

  return {
    server,
    browser,
    newPage,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
