/**
 * The relay may append ✔ (synced) or ✖ (sync failed) to the opportunity name, as Microsoft's connector
 * did (env var pcs_ShowCheckmarkInName). The mark is presentation only: it never reaches Partner Center.
 */
export const CHECKMARK_SYNCED = '✔';
export const CHECKMARK_FAILED = '✖';

/** 'Contoso deal ✔' → 'Contoso deal'. */
export const stripCheckmark = (name: string): string => name.replace(/\s*[✔✖]\s*$/u, '');

/** Name with exactly one trailing mark for the outcome (or none). */
export const withCheckmark = (name: string, outcome: 'synced' | 'failed' | null): string => {
  const bare = stripCheckmark(name);
  if (outcome === null) return bare;
  return `${bare} ${outcome === 'synced' ? CHECKMARK_SYNCED : CHECKMARK_FAILED}`;
};
