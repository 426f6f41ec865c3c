/** Readers of the JSON fixtures under tests/fixtures/ (paths in ./paths). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DATAVERSE_ROWS, DATAVERSE_WEBHOOK_PAYLOADS, PARTNER_CENTER_PAYLOADS } from './paths';

/** JSON of a file, without the UTF-8 BOM one captured webhook body starts with. */
export const readJson = (file: string): unknown =>
  JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));

export const opportunityFixture = (kind: 'cosell' | 'partnerled' | 'private') =>
  readJson(path.join(DATAVERSE_ROWS, `opportunity-${kind}.json`)) as Record<string, unknown>;
export const partnerCenter = (file: string) => readJson(path.join(PARTNER_CENTER_PAYLOADS, file));
export const webhook = (file: string) => readJson(path.join(DATAVERSE_WEBHOOK_PAYLOADS, file));

/**
 * A documentation sample published as invalid JSON (`*.invalid-json.txt`), parsed after repairing only
 * its syntax: a comma missing between a value and the next property, and trailing commas.
 */
export function publishedInvalidJson(file: string): unknown {
  const text = readFileSync(path.join(PARTNER_CENTER_PAYLOADS, file), 'utf8')
    .replace(/([}\]"\d])(\s*\n\s*")/g, '$1,$2')
    .replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(text);
}
