/** A classic field control for one attribute, by type; commits on change/blur and fires OnChange. */
import * as React from 'react';
import { optionText, type LookupReference, type XrmValue } from '../model/metadata';
import type { FormRuntime } from '../platform/formRuntime';
import { useHost } from './host';

interface FieldProps {
  runtime: FormRuntime;
  column: string;
  disabled: boolean;
}

const toInputDate = (value: XrmValue, dateOnly: boolean): string =>
  value instanceof Date
    ? dateOnly
      ? value.toISOString().slice(0, 10)
      : value.toISOString().slice(0, 16)
    : '';

export function Field({ runtime, column, disabled }: FieldProps): React.ReactElement {
  const meta = runtime.meta(column);
  const value = runtime.value(column);
  const lcid = runtime.lcid;
  const commit = (next: XrmValue) => void runtime.setValueFromUser(column, next);
  const common = { id: `input-${column}`, 'data-testid': `input-${column}`, disabled, 'aria-label': column };
  if (!meta) return <span>{String(value ?? '')}</span>;
  switch (meta.type) {
    case 'boolean':
    case 'optionset': {
      const current =
        meta.type === 'boolean'
          ? value === null
            ? ''
            : value
              ? '1'
              : '0'
          : value === null
            ? ''
            : String(value);
      return (
        <select
          {...common}
          value={current}
          onChange={(event) => {
            const raw = event.target.value;
            if (meta.type === 'boolean') commit(raw === '1');
            else commit(raw === '' ? null : Number(raw));
          }}
        >
          {meta.type === 'optionset' && <option value="">---</option>}
          {meta.options.map((option) => (
            <option key={option.value} value={String(option.value)}>
              {optionText(meta, option.value, lcid) ?? option.value}
            </option>
          ))}
        </select>
      );
    }
    case 'lookup':
      return (
        <LookupField
          {...common}
          runtime={runtime}
          column={column}
          value={value as LookupReference[] | null}
        />
      );
    case 'datetime': {
      const dateOnly = meta.format === 'DateOnly';
      return (
        <input
          {...common}
          type={dateOnly ? 'date' : 'datetime-local'}
          defaultValue={toInputDate(value, dateOnly)}
          key={toInputDate(value, dateOnly)}
          onBlur={(event) => {
            const raw = event.target.value;
            const next = raw ? new Date(dateOnly ? `${raw}T00:00:00Z` : raw) : null;
            if (toInputDate(next, dateOnly) !== toInputDate(value, dateOnly)) commit(next);
          }}
        />
      );
    }
    case 'money':
    case 'integer':
    case 'decimal':
    case 'double':
      return (
        <input
          {...common}
          type="number"
          defaultValue={value === null ? '' : String(value)}
          key={String(value)}
          onBlur={(event) => {
            const next = event.target.value === '' ? null : Number(event.target.value);
            if (next !== value) commit(next);
          }}
        />
      );
    case 'memo':
      return (
        <textarea
          {...common}
          rows={3}
          defaultValue={value === null ? '' : String(value)}
          key={String(value)}
          onBlur={(event) => {
            const next = event.target.value === '' ? null : event.target.value;
            if (next !== value) commit(next);
          }}
        />
      );
    default:
      if (meta.format === 'Url' && disabled && value) {
        return (
          <a {...common} href={String(value)} target="_blank" rel="noreferrer">
            {String(value)}
          </a>
        );
      }
      return (
        <input
          {...common}
          type="text"
          defaultValue={value === null ? '' : String(value)}
          key={String(value)}
          onBlur={(event) => {
            const next = event.target.value === '' ? null : event.target.value;
            if (next !== value) commit(next);
          }}
        />
      );
  }
}

interface LookupProps {
  runtime: FormRuntime;
  column: string;
  value: LookupReference[] | null;
  id: string;
  disabled: boolean;
}

/** A lookup as a select over the target table's rows, named by the table's primary name column. */
function LookupField({ runtime, column, value, id, disabled }: LookupProps): React.ReactElement {
  const { webApi } = useHost();
  const target = runtime.meta(column)?.targets[0] ?? value?.[0]?.entityType ?? '';
  const [rows, setRows] = React.useState<LookupReference[]>([]);
  React.useEffect(() => {
    if (!target || disabled) return;
    let live = true;
    void webApi
      .getJson<Record<string, unknown>>(
        `EntityDefinitions(LogicalName='${target}')?$select=PrimaryIdAttribute,PrimaryNameAttribute`,
      )
      .then(async (definition) => {
        const idColumn = String(definition.PrimaryIdAttribute ?? `${target}id`);
        const nameColumn = String(definition.PrimaryNameAttribute ?? 'name');
        const page = await webApi.retrieveMultipleRecords(
          target,
          `?$select=${idColumn},${nameColumn}&$top=50`,
        );
        if (live) {
          setRows(
            page.entities.map((row) => ({
              id: String(row[idColumn]),
              name: String(row[nameColumn] ?? ''),
              entityType: target,
            })),
          );
        }
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [webApi, target, disabled]);
  const current = value?.[0];
  const options = current && !rows.some((row) => sameId(row.id, current.id)) ? [current, ...rows] : rows;
  return (
    <select
      id={id}
      data-testid={id}
      aria-label={column}
      disabled={disabled}
      value={current ? current.id.replace(/[{}]/g, '').toLowerCase() : ''}
      onChange={(event) => {
        const picked = options.find((row) => sameId(row.id, event.target.value));
        void runtime.setValueFromUser(column, picked ? [picked] : null);
      }}
    >
      <option value="">---</option>
      {options.map((row) => (
        <option key={row.id} value={row.id.replace(/[{}]/g, '').toLowerCase()}>
          {row.name ?? row.id}
        </option>
      ))}
    </select>
  );
}

const sameId = (a: string, b: string): boolean =>
  a.replace(/[{}]/g, '').toLowerCase() === b.replace(/[{}]/g, '').toLowerCase();
