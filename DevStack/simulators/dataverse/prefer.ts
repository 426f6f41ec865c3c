/** The `Prefer` request header (several comma-separated preferences). */
export interface Preferences {
  returnRepresentation: boolean;
  annotations: boolean;
  maxPageSize: number | null;
}

export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = { returnRepresentation: false, annotations: false, maxPageSize: null };
  for (const raw of (header ?? '').split(',')) {
    const [name, value = ''] = raw
      .trim()
      .split('=')
      .map((s) => s.trim());
    const unquoted = value.replace(/^"|"$/g, '');
    if (name === 'return' && unquoted === 'representation') prefs.returnRepresentation = true;
    if (name === 'odata.include-annotations' && unquoted.length > 0) prefs.annotations = true;
    if (name === 'odata.maxpagesize' && Number(unquoted) > 0) prefs.maxPageSize = Number(unquoted);
  }
  return prefs;
}
