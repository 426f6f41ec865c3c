/**
 * The field map in force: read from the published opportunity forms' control configuration (the
 * PCF control's static `fieldMap` parameter in FormXml `controlDescriptions`), validated, with the
 * environment-variable overrides applied, cached and refreshed. Two forms carrying different maps is
 * an error: the relay would not know which one the customizer meant.
 */
import { EnvironmentVariables, Tables } from '../../Domain/constants';
import { applyOverrides, formatFieldMapError, parseFieldMap } from '../../Domain/fieldMap';
import type { FieldMap } from '../../Domain/fieldMap';
import { fieldMapsInFormXml } from '../../Domain/formXmlControls';
import type { Clock, DataverseApi } from '../ports';
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
    };

export interface FieldMapSource {
  current(): Promise<FieldMapState>;
  /** Drop the cache and read the forms again now (form published, an admin, tests). */
  refresh(): Promise<FieldMapState>;
}

export interface FieldMapSourceOptions {
  /** Called once a map loads valid after an invalid one: paused syncs can resume. */
  onRecovered?: () => Promise<void>;
  /** Called when a valid map differs from the last valid one (and on the first load). */
  onChanged?: (map: FieldMap) => Promise<void>;
}

/** Canonical text of a map for comparison (key order and whitespace do not make two maps differ). */
const canonical = (text: string): string => {
  if (!text) return '';
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

export async function loadFieldMap(dataverse: DataverseApi, settings: SyncSettings): Promise<FieldMapState> {
  const forms = await dataverse.getSystemForms(Tables.opportunity);
  const byText = new Map<string, string[]>();
  for (const form of forms) {
    for (const text of fieldMapsInFormXml(form.formxml)) {
      const key = canonical(text);
      byText.set(key, [...(byText.get(key) ?? []), form.name]);
    }
  }
  const allForms = [...new Set(forms.map((f) => f.name))];
  if (byText.size > 1) {
    const groups = [...byText.values()].map((names) => `"${[...new Set(names)].join('", "')}"`);
    const conflict = `the opportunity forms carry different field maps (${groups.join(' vs ')})`;
    return {
      ok: false,
      message:
        `Sync is paused: ${conflict}. Make the fieldMap property of the Partner Center sync control ` +
        'identical on every opportunity form, then publish; paused records resume by themselves.',
      errors: [conflict],
      forms: allForms,
    };
  }
  const [text = ''] = byText.keys();
  const result = parseFieldMap(text);
  if (!result.ok) {
    const errors = result.errors.map(formatFieldMapError);
    const where = allForms.length ? ` on form "${allForms.join('", "')}"` : '';
    return {
      ok: false,
      message:
        `Sync is paused: the field map${where} is invalid: ${errors.join('; ')}. ` +
        'Fix the fieldMap property of the Partner Center sync control and publish; paused records resume by themselves.',
      errors,
      forms: allForms,
    };
  }
  const map = applyOverrides(result.map, {
    dealValueFieldName: await settings.variable(EnvironmentVariables.dealValueFieldName),
    countryCodeFieldName: await settings.variable(EnvironmentVariables.countryCodeFieldName),
  });
  const [formNames = []] = byText.values();
  return { ok: true, map, source: text ? `form ${[...new Set(formNames)].join(', ')}` : 'default map' };
}

export function createFieldMapSource(
  dataverse: DataverseApi,
  settings: SyncSettings,
  clock: Clock,
  ttlMs: number,
  options: FieldMapSourceOptions = {},
): FieldMapSource {
  let cached: { state: Promise<FieldMapState>; at: number } | null = null;
  // In memory only: after a restart, paused jobs still come back on their own timer.
  let lastWasInvalid = false;
  let lastValid: string | null = null;
  const load = (now: number): Promise<FieldMapState> => {
    const state = loadFieldMap(dataverse, settings).then(async (loaded) => {
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
    current() {
      const now = clock.now().getTime();
      if (!cached || now - cached.at >= ttlMs) return load(now);
      return cached.state;
    },
    refresh() {
      return load(clock.now().getTime());
    },
  };
}
