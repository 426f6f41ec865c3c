/**
 * Browser tests keep their screenshots in test-results/. The few that docs/ shows are copied there
 * only on request (`npm run docs:screenshots`): Chromium's rendering differs by a few pixels between
 * runs, so copying on every test run would leave every checkout with modified PNGs.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

export const UPDATE_DOCS_SCREENSHOTS = process.env.UPDATE_DOCS_SCREENSHOTS === '1';

/** Copies a test's screenshot to docs/<docName> when the docs are being refreshed. */
export function publishScreenshot(file: string, docName: string): void {
  if (UPDATE_DOCS_SCREENSHOTS) copyFileSync(file, path.join(REPO_ROOT, 'docs', docName));
}
