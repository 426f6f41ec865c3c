/**
 * JSON Schema (draft 2020-12) of the field map format, for editors and customizers, generated from a
 * zod schema; committed as Domain/fieldmap.schema.json (a test keeps it current). parseFieldMap checks
 * the same shape by hand (Domain/fieldMap.ts) so the PCF bundle carries no zod; a test feeds both the
 * same documents so they cannot drift. Not re-exported from Domain/index.ts: Node-side only.
 */
import * as z from 'zod/mini';
import { FIELD_DIRECTIONS, FIELD_MAP_TABLES, LOGICAL_NAME } from './fieldMap';
import { REFERRAL_PATHS } from './referralPaths';

const scalar = z.union([z.string(), z.number(), z.boolean()], 'expected text, a number or true/false');

export const FieldMapEntrySchema = z.object(
  {
    referral: z.string('expected a referral path (text)').check(z.minLength(1, 'referral path is empty')),
    // zod/mini ships no locale: say what is allowed ourselves.
    table: z.enum(FIELD_MAP_TABLES, `expected one of ${FIELD_MAP_TABLES.join(', ')}`),
    column: z
      .string('expected a column logical name (text)')
      .check(z.regex(LOGICAL_NAME, 'not a Dataverse logical name (lower-case a-z, 0-9, _)')),
    direction: z.enum(FIELD_DIRECTIONS, `expected one of ${FIELD_DIRECTIONS.join(', ')}`),
    valueMap: z.optional(z.record(z.string(), scalar, 'expected an object of referral value → option value')),
    default: z.optional(scalar),
  },
  'expected an entry object',
);

export const FieldMapSchema = z.object(
  {
    version: z.literal(1, 'expected 1'),
    entries: z.array(FieldMapEntrySchema, 'expected a list of entries'),
  },
  'expected an object { version: 1, entries: [...] }',
);

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
