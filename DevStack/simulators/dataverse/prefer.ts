/** The `Prefer` request header (several comma-separated preferences). */
export interface Preferences {
  returnRepresentation: boolean;
  annotations: boolean;
  maxPageSize: number | null;
  /** `odata.continue-on-error` on a `$batch`: later requests run after one fails. */
  continueOnError: boolean;
}

export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = {
    returnRepresentation: false,
    annotations: false,
    maxPageSize: null,
    continueOnError: false,
  };
  for (const raw of (header ?? '').split(',')) {
    const [name, value = ''] = raw
      .trim()
      .split('=')
      .map((s) => s.trim());
    const unquoted = value.replace(/^"|"$/g, '');
    if (name === 'return' && unquoted === 'representation') prefs.returnRepresentation = true;
    if (name === 'odata.include-annotations' && unquoted.length > 0) prefs.annotations = true;
    if (name === 'odata.maxpagesize' && Number(unquoted) > 0) prefs.maxPageSize = Number(unquoted);
    // OData 4.01 also spells it without the prefix.
    if ((name === 'odata.continue-on-error' || name === 'continue-on-error') && unquoted !== 'false')
      prefs.continueOnError = true;
  }
  return prefs;
}
