/**
 * JSON Schema (draft 2020-12) of the field map format, for editors and customizers. Generated from the
 * zod schema so the two cannot drift; committed as Domain/fieldmap.schema.json (a test keeps it current).
 * Not re-exported from Domain/index.ts: the PCF bundle does not need the generator.
 */
import * as z from 'zod/mini';
import { FieldMapSchema } from './fieldMap';
import { REFERRAL_PATHS } from './referralPaths';

export const FIELD_MAP_SCHEMA_ID = 'https://partnercosell.dev/schemas/fieldmap.schema.json';

export function fieldMapJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(FieldMapSchema) as unknown as Record<string, unknown> & {
    properties: { entries: { items: { properties: Record<string, Record<string, unknown>> } } };
  };
  const entry = generated.properties.entries.items.properties;
  entry.referral = {
    ...entry.referral,
    enum: Object.keys(REFERRAL_PATHS),
    description: 'Referral path (dot notation).',
  };
  entry.column = { ...entry.column, description: 'Dataverse logical name on the table.' };
  entry.valueMap = { ...entry.valueMap, description: 'Referral value → Dataverse option value (choices).' };
  entry.default = { ...entry.default, description: 'Referral-side value used when the source is empty.' };
  return {
    $schema: generated.$schema,
    $id: FIELD_MAP_SCHEMA_ID,
    title: 'Partner Center co-sell field map',
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
}
