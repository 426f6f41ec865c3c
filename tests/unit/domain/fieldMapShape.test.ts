/**
 * parseFieldMap checks the entry shape by hand (no schema library in the PCF bundle); the JSON Schema
 * customizers get is generated from a zod schema. Both must accept, reject and word the same things.
 */
import {
  checkFieldMapDocumentShape,
  checkFieldMapEntryShape,
  DEFAULT_FIELD_MAP,
} from '../../../Domain/fieldMap';
import { FieldMapEntrySchema, FieldMapSchema } from '../../../Domain/fieldMapJsonSchema';

const valid = { referral: 'details.notes', table: 'opportunity', column: 'description', direction: 'both' };

const entrySamples: unknown[] = [
  ...DEFAULT_FIELD_MAP.entries,
  { ...valid, note: 'unknown properties are dropped' },
  { ...valid, valueMap: { a: 1, b: 'x', c: true }, default: 0 },
  { ...valid, valueMap: undefined, default: undefined },
  'x',
  null,
  [],
  42,
  {},
  { ...valid, referral: '' },
  { ...valid, referral: 7 },
  { ...valid, table: 'opportunities' },
  { ...valid, table: null },
  { ...valid, column: 'Address1_City' },
  { ...valid, column: '' },
  { ...valid, column: ['description'] },
  { ...valid, direction: 'sideways' },
  { ...valid, direction: undefined },
  { ...valid, valueMap: [] },
  { ...valid, valueMap: null },
  { ...valid, valueMap: 'a=1' },
  { ...valid, valueMap: { a: null, b: 1, c: {}, d: [1] } },
  { ...valid, default: null },
  { ...valid, default: { value: 1 } },
  { ...valid, default: Number.NaN },
  { ...valid, default: Number.POSITIVE_INFINITY },
  { referral: 7, table: 'x', column: 'A', direction: 'up', valueMap: 1, default: [] },
];

const documentSamples: unknown[] = [
  { version: 1, entries: [] },
  { version: 2, entries: {} },
  { version: '1', entries: [] },
  { entries: [] },
  { version: 1 },
  [],
  'field map',
  null,
];

type Outcome = { ok: true; value: unknown } | { ok: false; issues: { path: string; message: string }[] };

function zodOutcome(schema: typeof FieldMapEntrySchema, input: unknown): Outcome {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : {
        ok: false,
        issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      };
}

function handOutcome(input: unknown): Outcome {
  const result = checkFieldMapEntryShape(input);
  return result.issues ? { ok: false, issues: result.issues } : { ok: true, value: result.entry };
}

it.each(entrySamples.map((sample) => [JSON.stringify(sample) ?? String(sample), sample]))(
  'entry %s: the hand check and the published schema agree',
  (_name, sample) => {
    expect(handOutcome(sample)).toEqual(zodOutcome(FieldMapEntrySchema, sample));
  },
);

it.each(documentSamples.map((sample) => [JSON.stringify(sample), sample]))(
  'document %s: the hand check and the published schema agree on its shape',
  (_name, sample) => {
    // Entries are checked one by one (above); here only the document around them.
    const outer = FieldMapSchema.safeParse(
      typeof sample === 'object' &&
        sample !== null &&
        Array.isArray((sample as { entries?: unknown }).entries)
        ? { ...sample, entries: [] }
        : sample,
    );
    const zodIssues = outer.success
      ? []
      : outer.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    expect(checkFieldMapDocumentShape(sample)).toEqual(zodIssues);
  },
);
