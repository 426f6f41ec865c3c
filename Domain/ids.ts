/**
 * Dataverse record ids: one GUID check for every part of the product. Hosts hand ids over in several
 * spellings (Xrm gives `{8F2A…}` upper-case in braces, the Web API bare lower-case); OData keys and
 * filters want the bare form.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A bare GUID (`8f2a…-…`), any letter case, no braces. */
export const isGuid = (value: unknown): boolean => typeof value === 'string' && GUID.test(value);

/** The bare lower-case GUID of `value` (braces, case and surrounding blanks tolerated); null when it is not one. */
export function normalizeGuid(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const bare = value.trim().replace(/^\{(.*)\}$/, '$1');
  return GUID.test(bare) ? bare.toLowerCase() : null;
}

/** The id at the end of an OData entity URL (`…/accounts(<id>)`, the OData-EntityId header); null when none. */
export function guidOfEntityUrl(url: string | null | undefined): string | null {
  const key = /\(([^()]*)\)\s*$/.exec(url ?? '')?.[1];
  return key === undefined ? null : normalizeGuid(key);
}
