/**
 * Reading a solution environment variable, the same way in the relay and in the browser: the
 * definition by schema name with its value row; the value row wins, else the definition's default
 * (https://learn.microsoft.com/power-apps/maker/data-platform/environmentvariables). Blank text counts
 * as unset. Boolean-type variables hold `yes` / `no` (older exports `true` / `false`, some admins 1 / 0).
 */
import { EnvironmentVariableColumns as Columns } from './constants';
import { where } from './odataQuery';
import type { ODataQuery } from './odataQuery';

/** The one read of a variable: `environmentvariabledefinitions` filtered by schema name. */
export function environmentVariableQuery(schemaName: string): ODataQuery {
  return {
    select: [Columns.defaultValue],
    filter: where.eq(Columns.schemaName, schemaName),
    expand: [{ navigation: Columns.valuesNavigation, select: [Columns.value] }],
  };
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;

/** The current value from the definition row that query returned (undefined: no such variable). */
export function environmentVariableValue(definition: Record<string, unknown> | undefined): string | null {
  if (!definition) return null;
  const rows = definition[Columns.valuesNavigation];
  const values = Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [];
  const current = values.map((row) => text(row[Columns.value])).find((value) => value !== null);
  return current ?? text(definition[Columns.defaultValue]);
}

const YES = new Set(['yes', 'true', '1']);
const NO = new Set(['no', 'false', '0']);

/** yes / true / 1 → true, no / false / 0 → false (any case, blanks around); null for anything else. */
export function parseYesNo(value: string | null | undefined): boolean | null {
  const word = (value ?? '').trim().toLowerCase();
  return YES.has(word) ? true : NO.has(word) ? false : null;
}
