/**
 * The field map in force: read from the published opportunity forms' control configuration (the
 * PCF control's static `fieldMap` parameter in FormXml `controlDescriptions`), validated, with the
 * environment-variable overrides applied, cached and refreshed. Two forms carrying different maps is
 * an error: the relay would not know which one the customizer meant.
 */
import { XMLParser } from 'fast-xml-parser';
import { EnvironmentVariables, PcfControl, PcfProperties, Tables } from '../../Domain/constants';
import { applyOverrides, parseFieldMap } from '../../Domain/fieldMap';
import type { FieldMap } from '../../Domain/fieldMap';
import type { Clock, DataverseApi } from '../ports';
import type { SyncSettings } from './settings';

export type FieldMapState = { ok: true; map: FieldMap; source: string } | { ok: false; message: string };

export interface FieldMapSource {
  current(): Promise<FieldMapState>;
  /** Drop the cache (form published, `POST /api/...` by an admin, tests). */
  refresh(): void;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['customControl', 'controlDescription'].includes(name),
});

/** Every `fieldMap` parameter text of our control in one FormXml (one per form factor). */
export function fieldMapsInFormXml(formXml: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, unknown>;
    for (const control of (element.customControl as unknown[] | undefined) ?? []) {
      const c = control as Record<string, unknown>;
      if (c['@_name'] !== PcfControl.fullName) continue;
      const parameter = (c.parameters as Record<string, unknown> | undefined)?.[PcfProperties.fieldMap];
      const text =
        typeof parameter === 'string'
          ? parameter
          : parameter && typeof parameter === 'object'
            ? String((parameter as Record<string, unknown>)['#text'] ?? '')
            : '';
      found.push(text.trim());
    }
    Object.entries(element)
      .filter(([key]) => key !== 'customControl' && !key.startsWith('@_'))
      .forEach(([, child]) => visit(child));
  };
  visit(parser.parse(formXml));
  return found;
}

/** Canonical text of a map for comparison (key order and whitespace do not make two maps differ). */
const canonical = (text: string): string => {
  if (!text) return '';
  try {
    return JSON.stringify(JSON.parse(text));
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
  if (byText.size > 1) {
    const described = [...byText.values()]
      .map((names) => `"${[...new Set(names)].join('", "')}"`)
      .join(' vs ');
    return {
      ok: false,
      message:
        `The opportunity forms carry different field maps (${described}). ` +
        'Make the fieldMap property of the Partner Center sync control identical on every form, then publish.',
    };
  }
  const [text = ''] = byText.keys();
  const result = parseFieldMap(text);
  if (!result.ok) {
    const details = result.errors
      .map((e) =>
        e.entry === null
          ? e.message
          : `entry ${e.entry}${e.referral ? ` (${e.referral})` : ''}: ${e.message}`,
      )
      .join('; ');
    return { ok: false, message: `The field map in the form configuration is invalid: ${details}` };
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
): FieldMapSource {
  let cached: { state: Promise<FieldMapState>; at: number } | null = null;
  return {
    current() {
      const now = clock.now().getTime();
      if (!cached || now - cached.at >= ttlMs) {
        const state = loadFieldMap(dataverse, settings);
        cached = { state, at: now };
        // A failed read (network) is not cached: the next job tries again.
        state.catch(() => {
          if (cached?.state === state) cached = null;
        });
      }
      return cached.state;
    },
    refresh() {
      cached = null;
    },
  };
}
