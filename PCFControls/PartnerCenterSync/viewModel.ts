/**
 * Pure mapping from bound values to what the control shows. No React, no PCF context: tested directly.
 */
import {
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncStatus,
  referralLink,
} from '../../Domain/constants';
import type { Problem, ProblemCode } from '../../Domain/opportunity';
import { expiryState } from '../../Domain/referralDeadline';
import type { StringKey } from './strings';

export type StatusKind = 'synced' | 'error' | 'pending' | 'off';

export interface StatusView {
  kind: StatusKind;
  /** Relative time of the last successful sync ("5 minutes ago"), synced only. */
  syncedAgo: string | null;
  /** What went wrong, error only: the newest audit line until the sync events have loaded. */
  message: string | null;
}

export interface ToggleView {
  checked: boolean;
  /** Why the seller cannot flip the switch; null = enabled. */
  disabledReason: 'readOnly' | 'unsaved' | null;
}

export interface ReferralView {
  id: string;
  link: string;
  statusKey: StringKey | null;
  substatusKey: StringKey | null;
  microsoftCrmId: string | null;
  /** Microsoft sent it and nobody answered yet: the seller may accept or decline. */
  awaitingAnswer: boolean;
}

export interface ChecklistItem {
  label: StringKey;
  ok: boolean;
  /** What to fix, in the user's language. */
  fixes: string[];
}

const LOCALES: Record<number, string> = { 1033: 'en-US', 1046: 'pt-BR', 3082: 'es-ES' };

/** BCP 47 tag for a Dataverse language id; unknown languages read English like the resx fallback. */
export const localeOf = (lcid: number): string => LOCALES[lcid] ?? 'en-US';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/**
 * One formatter per locale, kept for the page's life: constructing an Intl formatter loads its locale
 * data (about a millisecond each in Chromium), and the view formats dates on every render.
 */
function perLocale<T>(create: (locale: string) => T): (locale: string) => T {
  const made = new Map<string, T>();
  return (locale) => {
    let formatter = made.get(locale);
    if (!formatter) made.set(locale, (formatter = create(locale)));
    return formatter;
  };
}

/** "10 Mar 2026, 12:00": medium date, short time. */
export const dateTimeFormat = perLocale(
  (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
);
const relativeFormat = perLocale((locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
const deadlineFormat = perLocale((locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'always' }));

/** "5 minutes ago" / "há 5 minutos" / "hace 5 minutos", picking the largest whole unit. */
export function relativeTime(when: Date, now: Date, locale: string): string {
  const seconds = Math.round((when.getTime() - now.getTime()) / 1000);
  const format = relativeFormat(locale);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** The newest line of pcs_audit: the relay appends one human-readable line per sync attempt. */
export function newestAuditLine(audit: string | null | undefined): string | null {
  const lines = (audit ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? null;
}

export function statusView(
  input: { syncStatus: number | null; syncEnabled: boolean; lastSyncedOn: Date | null; audit: string | null },
  now: Date,
  locale: string,
): StatusView {
  switch (input.syncStatus) {
    case SyncStatus.synced:
      return {
        kind: 'synced',
        syncedAgo: input.lastSyncedOn ? relativeTime(input.lastSyncedOn, now, locale) : null,
        message: null,
      };
    case SyncStatus.error:
      return { kind: 'error', syncedAgo: null, message: newestAuditLine(input.audit) };
    case SyncStatus.pending:
      return { kind: 'pending', syncedAgo: null, message: null };
    default:
      // Switched on but not synced yet: the plug-in step queues it on save, so it is on its way.
      return { kind: input.syncEnabled ? 'pending' : 'off', syncedAgo: null, message: null };
  }
}

export function toggleView(input: {
  syncEnabled: boolean;
  isControlDisabled: boolean;
  entityTypeName: string | null;
  entityId: string | null;
}): ToggleView {
  let disabledReason: ToggleView['disabledReason'] = null;
  if (input.isControlDisabled) disabledReason = 'readOnly';
  // A form always names its table; with a table but no id the record is on a create form. Hosts without
  // a form (the pcf-start harness, canvas apps) name no table and keep the switch usable.
  else if (input.entityTypeName && !input.entityId) disabledReason = 'unsaved';
  return { checked: input.syncEnabled, disabledReason };
}

/** `ReferralStatus_Active`…; the return type makes the compiler check that every option has a resx key. */
const keyOfOption = <K extends string, P extends 'ReferralStatus_' | 'ReferralSubstatus_'>(
  options: Record<K, number>,
  value: number | null,
  prefix: P,
): `${P}${K}` | null => {
  const name = (Object.keys(options) as K[]).find((k) => options[k] === value);
  return name ? `${prefix}${name}` : null;
};

export function referralView(input: {
  referralId: string | null;
  referralLink: string | null;
  referralStatus: number | null;
  referralSubstatus: number | null;
  microsoftCrmId: string | null;
}): ReferralView | null {
  const id = input.referralId?.trim();
  if (!id) return null;
  return {
    id,
    // The relay writes the link; older rows may only have the id, and the link is derivable from it.
    link: input.referralLink?.trim() || referralLink(id),
    statusKey: keyOfOption(ReferralStatusOptions, input.referralStatus, 'ReferralStatus_'),
    substatusKey: keyOfOption(ReferralSubstatusOptions, input.referralSubstatus, 'ReferralSubstatus_'),
    microsoftCrmId: input.microsoftCrmId?.trim() || null,
    // New + Received is only ever an incoming referral (outgoing ones wait in New + Pending), see
    // partner-center-api.md §3.4.
    awaitingAnswer:
      input.referralStatus === ReferralStatusOptions.New &&
      input.referralSubstatus === ReferralSubstatusOptions.Received,
  };
}

const CHECKS: { label: StringKey; codes: ProblemCode[] }[] = [
  { label: 'Preflight_Contact', codes: ['customerContactMissing', 'contactDetailsMissing'] },
  { label: 'Preflight_Solution', codes: ['solutionMissing'] },
  { label: 'Preflight_Country', codes: ['accountMissing', 'countryMissing', 'countryNotIso2'] },
  { label: 'Preflight_DealValue', codes: ['dealValueMissing'] },
  { label: 'Preflight_CloseDate', codes: ['closeDateMissing'] },
];

/** The five checks sellers see first (the pre-flight list), then anything else the shared rules reported. */
export function preflightChecklist(problems: Problem[], describe: (p: Problem) => string): ChecklistItem[] {
  const items = CHECKS.map(({ label, codes }) => {
    const fixes = problems.filter((p) => codes.includes(p.code)).map(describe);
    return { label, ok: fixes.length === 0, fixes };
  });
  const known = new Set(CHECKS.flatMap((c) => c.codes));
  const others = problems.filter((p) => !known.has(p.code)).map(describe);
  if (others.length) items.push({ label: 'Preflight_Other', ok: false, fixes: others });
  return items;
}

export interface ExpiryView {
  /** "in 3 days" / "em 3 dias" / "dentro de 3 días" (or "2 hours ago" once passed). */
  relative: string;
  /** The date and time, for the tooltip. */
  date: string;
  /** Less than three days left: warning style. */
  warning: boolean;
  expired: boolean;
  /** Partner Center gave no expiration date: created + 14 days. */
  estimated: boolean;
}

const DEADLINE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

/**
 * A deadline in whole days while a day or more is left ("in 13 days", never "in 1 week": sellers
 * count days to a deadline), then hours, then minutes; numeric, so "in 1 day" is not read as the
 * calendar's "tomorrow".
 */
export function deadlineText(msLeft: number, locale: string): string {
  const format = deadlineFormat(locale);
  for (const [unit, size] of DEADLINE_UNITS) {
    if (Math.abs(msLeft) >= size) return format.format(Math.trunc(msLeft / size), unit);
  }
  return format.format(msLeft < 0 ? -0 : 0, 'minute');
}

/** The expiry of a referral still waiting for an answer (status New), against the injected clock. */
export function expiryView(
  input: { expiresOn: Date | null; estimated: boolean; referral: ReferralView | null },
  now: Date,
  locale: string,
): ExpiryView | null {
  if (!input.expiresOn || input.referral?.statusKey !== 'ReferralStatus_New') return null;
  const state = expiryState(input.expiresOn, now);
  return {
    relative: deadlineText(state.msLeft, locale),
    date: dateTimeFormat(locale).format(input.expiresOn),
    warning: state.warning,
    expired: state.expired,
    estimated: input.estimated,
  };
}

/** Label key of a Microsoft status (pcs_microsoftstatus holds a substatus option value). */
export const microsoftStatusKey = (value: number | null): StringKey | null =>
  keyOfOption(ReferralSubstatusOptions, value, 'ReferralSubstatus_');
