/**
 * Where tests and benchmarks find the repository and its fixtures. Everything they read is inside the
 * repository: third-party fixtures are copied under tests/fixtures/ (provenance and licences in
 * tests/fixtures/SOURCES.md).
 */
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** Build output of `npm run build`: solution zips (dist/) and bundles (out/). */
export const DIST_DIR = path.join(REPO_ROOT, 'dist');
export const OUT_DIR = path.join(REPO_ROOT, 'out');

export const FIXTURES_DIR = path.join(REPO_ROOT, 'tests', 'fixtures');
/** Partner Center Referrals API and webhook documents from Microsoft's documentation. */
export const PARTNER_CENTER_PAYLOADS = path.join(FIXTURES_DIR, 'payloads', 'partner-center');
/** RemoteExecutionContext bodies Dataverse posted to webhooks. */
export const DATAVERSE_WEBHOOK_PAYLOADS = path.join(FIXTURES_DIR, 'payloads', 'dataverse-webhook');
/** Web API rows of opportunities, written for these tests. */
export const DATAVERSE_ROWS = path.join(FIXTURES_DIR, 'dataverse');
/** The opportunity columns of Microsoft's co-sell connector as a solution (unpacked), written for these tests. */
export const MICROSOFT_CONNECTOR_SOLUTION = path.join(DATAVERSE_ROWS, 'microsoft-connector-solution');
/** Microsoft's customization XSDs (9.0.0.2090), edited so that xmllint compiles them. */
export const XSD_DIR = path.join(FIXTURES_DIR, 'schemas', 'libxml2');
/** Solution zips exported from real environments. */
export const SOLUTION_ZIPS = path.join(FIXTURES_DIR, 'solutions');
/** Files of unpacked (SolutionPackager) solutions, at their original relative paths. */
export const UNPACKED_SOLUTIONS = path.join(FIXTURES_DIR, 'unpacked');
