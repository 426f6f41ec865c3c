/**
 * The field map in force: read from the published opportunity forms' control configuration (the
 * PCF control's static `fieldMap` parameter in FormXml `controlDescriptions`), validated, with the
 * environment-variable overrides applied, cached until a form is published again (a job's `$batch` of
 * reads carries the forms' row versions, see formVersionsRead) or, for jobs that do not ask, for the
 * configured time.
 *
 * An empty `fieldMap` means "the default map" and takes no part in the comparison: a customizer may
 * put the control on any opportunity form without copying the JSON. Only forms with a non-empty map
 * are compared; two that differ are an error (the relay would not know which one the customizer
 * meant), and the message names the forms to fix. The rule is documented in docs/field-map.md.
 */
import { EnvironmentVariables, Tables } from '../../Domain/constants';
import { applyOverrides, DEFAULT_FIELD_MAP, formatFieldMapError, parseFieldMap } from '../../Domain/fieldMap';
import type { FieldMap } from '../../Domain/fieldMap';
import { activeMainFormsQuery, fieldMapsInFormXml, SYSTEM_FORMS } from '../../Domain/formXmlControls';
import type { BatchRead, Clock, DataverseApi, WebApiRecord } from '../ports';
import type { SyncSettings } from './settings';

export type FieldMapState =
  | { ok: true; map: FieldMap; source: string }
  | {
      ok: false;
      /** One readable paragraph: what is wrong, where, and what to do. */
      message: string;
      /** The validator's errors, one line each (`entries[3] (details.notes): …`), or the conflict. */
      errors: string[];
      /** Names of the forms involved. */
      forms: string[];
      /** The forms whose fieldMap the customizer should change (all involved forms when unsure). */
      formsToFix?: string[];
    };

export interface FieldMapSource {
  /**
   * The cached map, read again once it is older than the configured time — unless the caller checks
   * the forms' versions itself (`versionsChecked`, see noteFormVersions): then it is kept until a form
   * is published again.
   */
  current(options?: { versionsChecked?: boolean }): Promise<FieldMapState>;
  /** Drop the cache and read the forms again now (form published, an admin, tests). */
  refresh(): Promise<FieldMapState>;
  /**
   * The read that tells whether an opportunity form was published since the map was read (the forms'
   * row versions): small enough to ride along in a job's `$batch` of reads.
   */
  formVersionsRead(): BatchRead;
  /**
   * Its answer. When a form changed since the cached map was read, the cache is dropped (the next
   * current() reads the forms again) and true is returned.
   */
  noteFormVersions(rows: WebApiRecord[]): boolean;
}

/** The opportunity main forms with their row versions: a form published again has a new one. */
const FORM_VERSIONS: BatchRead = {
  entitySet: SYSTEM_FORMS,
  query: activeMainFormsQuery(Tables.opportunity, ['formid', 'versionnumber']),
};
const versionsOf = (rows: WebApiRecord[]): string =>
  rows
    .map((row) => `${String(row.formid).toLowerCase()}@${String(row.versionnumber)}`)
    .sort()
    .join(',');

export interface FieldMapSourceOptions {
  /** Called once a map loads valid after an invalid one: paused syncs can resume. */
  onRecovered?: () => Promise<void>;
  /** Called when a valid map differs from the last valid one (and on the first load). */
  onChanged?: (map: FieldMap) => Promise<void>;
}

/** Canonical text of a map for comparison (key order and whitespace do not make two maps differ). */
const canonical = (text: string): string => {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
          )
        : value;
  try {
    return JSON.stringify(sorted(JSON.parse(text)));
  } catch {
    return text;
  }
};

/** One distinct non-empty map and the forms that carry it (a form may carry two: web vs phone). */
interface MapGroup {
  text: string;
  forms: string[];
}

const quoted = (names: string[]) => `"${names.join('", "')}"`;
const DEFAULT_CANONICAL = canonical(JSON.stringify(DEFAULT_FIELD_MAP));

/**
 * The map the other forms should follow: the one most forms carry; on a tie a customized map over one
 * equal to the default (changing a map is deliberate, carrying the shipped default is not), then the
 * first form name. The forms of every other group are the ones to fix.
 */
function referenceGroup(groups: MapGroup[]): MapGroup {
  const customized = (g: MapGroup) => (canonical(g.text) === DEFAULT_CANONICAL ? 0 : 1);
  return [...groups].sort(
    (a, b) =>
      b.forms.length - a.forms.length ||
      customized(b) - customized(a) ||
      a.forms[0]!.localeCompare(b.forms[0]!),
  )[0]!;
}

/**
 * The map the published forms agree on: '' when none carries a non-empty map (the default map), the
 * shared text, or the conflict between forms whose non-empty maps differ.
 */
export function agreedFieldMapText(
  forms: Array<{ name: string; formxml: string }>,
): { ok: true; text: string; forms: string[] } | Extract<FieldMapState, { ok: false }> {
  const groups = new Map<string, MapGroup>();
  for (const form of forms) {
    for (const text of fieldMapsInFormXml(form.formxml)) {
      if (text.trim() === '') continue;
      const key = canonical(text);
      const group = groups.get(key) ?? { text, forms: [] };
      if (!group.forms.includes(form.name)) group.forms.push(form.name);
      groups.set(key, group);
    }
  }
  const all = [...groups.values()];
  if (all.length <= 1) return { ok: true, text: all[0]?.text ?? '', forms: all[0]?.forms ?? [] };
  const reference = referenceGroup(all);
  const toFix = [
    ...new Set(
      all.filter((g) => g !== reference).flatMap((g) => g.forms.filter((f) => f !== reference.forms[0])),
    ),
  ];
  const involved = [...new Set(all.flatMap((g) => g.forms))];
  const conflict = `the opportunity forms carry different field maps (${all.map((g) => quoted(g.forms)).join(' vs ')})`;
  const fix =
    toFix.length > 0
      ? `Fix ${toFix.length > 1 ? 'forms' : 'form'} ${quoted(toFix)}: set the fieldMap property of the Partner Center ` +
        `sync control to the map of form "${reference.forms[0]}", or leave it empty to use that map`
      : `Make the fieldMap property of the Partner Center sync control identical on every form factor of form "${reference.forms[0]}"`;
  return {
    ok: false,
    message: `Sync is paused: ${conflict}. ${fix}, then publish; paused records resume by themselves.`,
    errors: [conflict],
    forms: involved,
    formsToFix: toFix.length > 0 ? toFix : [reference.forms[0]!],
  };
}

export async function loadFieldMap(dataverse: DataverseApi, settings: SyncSettings): Promise<FieldMapState> {
  const agreed = agreedFieldMapText(await dataverse.getSystemForms(Tables.opportunity));
  if (!agreed.ok) return agreed;
  const result = parseFieldMap(agreed.text);
  if (!result.ok) {
    const errors = result.errors.map(formatFieldMapError);
    const where = agreed.forms.length
      ? ` on ${agreed.forms.length > 1 ? 'forms' : 'form'} ${quoted(agreed.forms)}`
      : '';
    return {
      ok: false,
      message:
        `Sync is paused: the field map${where} is invalid: ${errors.join('; ')}. ` +
        'Fix the fieldMap property of the Partner Center sync control and publish; paused records resume by themselves.',
      errors,
      forms: agreed.forms,
      formsToFix: agreed.forms,
    };
  }
  const map = applyOverrides(result.map, {
    dealValueFieldName: await settings.variable(EnvironmentVariables.dealValueFieldName),
    countryCodeFieldName: await settings.variable(EnvironmentVariables.countryCodeFieldName),
  });
  return { ok: true, map, source: agreed.text ? `form ${agreed.forms.join(', ')}` : 'default map' };
}

export function createFieldMapSource(
  dataverse: DataverseApi,
  settings: SyncSettings,
  clock: Clock,
  ttlMs: number,
  options: FieldMapSourceOptions = {},
): FieldMapSource {
  let cached: { state: Promise<FieldMapState>; at: number } | null = null;
  // The forms' row versions when the cached map was read (read first: a publish in between is seen).
  let versions: string | null = null;
  // In memory only: after a restart, paused jobs still come back on their own timer.
  let lastWasInvalid = false;
  let lastValid: string | null = null;
  const load = (now: number): Promise<FieldMapState> => {
    const state = (async () => {
      versions = null;
      const read = versionsOf(await dataverse.retrieveMultiple(FORM_VERSIONS.entitySet, FORM_VERSIONS.query));
      const loaded = await loadFieldMap(dataverse, settings);
      versions = read;
      return loaded;
    })().then(async (loaded) => {
      if (loaded.ok && JSON.stringify(loaded.map) !== lastValid) {
        lastValid = JSON.stringify(loaded.map);
        await options.onChanged?.(loaded.map);
      }
      if (loaded.ok && lastWasInvalid) await options.onRecovered?.();
      lastWasInvalid = !loaded.ok;
      return loaded;
    });
    cached = { state, at: now };
    // A failed read (network) is not cached: the next job tries again.
    state.catch(() => {
      if (cached?.state === state) cached = null;
    });
    return state;
  };
  return {
    current(options = {}) {
      const now = clock.now().getTime();
      if (!cached || (!options.versionsChecked && now - cached.at >= ttlMs)) return load(now);
      return cached.state;
    },
    refresh() {
      return load(clock.now().getTime());
    },
    formVersionsRead: () => FORM_VERSIONS,
    noteFormVersions(rows) {
      if (versions === null || versionsOf(rows) === versions) return false;
      cached = null;
      versions = null;
      return true;
    },
  };
}
