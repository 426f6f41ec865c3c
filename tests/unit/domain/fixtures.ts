// Paths to the real reference payloads (../shared beside the repo, as CI clones it) and our fixtures.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const webhookDir = path.resolve(repoRoot, '../shared/reference/payloads/dataverse-webhook');
export const partnerCenterDir = path.resolve(repoRoot, '../shared/reference/payloads/partner-center');
export const dataverseFixtures = path.resolve(repoRoot, 'tests/fixtures/dataverse');

/** JSON of a file, without the UTF-8 BOM one reference capture starts with. */
export const readJson = (file: string): unknown =>
  JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));

export const opportunityFixture = (kind: 'cosell' | 'partnerled' | 'private') =>
  readJson(path.join(dataverseFixtures, `opportunity-${kind}.json`)) as Record<string, unknown>;
export const partnerCenter = (file: string) => readJson(path.join(partnerCenterDir, file));
export const webhook = (file: string) => readJson(path.join(webhookDir, file));
