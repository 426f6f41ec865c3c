/**
 * Secret redaction for everything that leaves an API client as text: error messages, URLs, logs.
 * Tokens reach us in headers, query strings (SAS `sig`, OAuth `code`) and in error bodies echoing the
 * request, so both URLs and free text are scrubbed.
 */

const SECRET_QUERY_KEYS = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'code',
  'client_secret',
  'client_assertion',
  'assertion',
  'password',
  'secret',
  'sig',
  'signature',
  'key',
  'apikey',
  'api-key',
  'api_key',
  'subscription-key',
]);

export const REDACTED = '[redacted]';

/** URL with user-info and secret-looking query values replaced; other query values are kept for debugging. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactSecrets(url);
  }
  if (parsed.username || parsed.password) {
    parsed.username = 'redacted';
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_KEYS.has(key.toLowerCase())) parsed.searchParams.set(key, REDACTED);
  }
  // URLSearchParams re-encodes `$filter` etc.; decode for readability (the value is only for humans).
  return decodeURIComponent(parsed.toString());
}

const TEXT_PATTERNS: Array<[RegExp, string]> = [
  // Authorization header values.
  [/\b(Bearer|Signature|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // JWTs anywhere (access / id tokens echoed in bodies).
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // key=value and "key": "value" forms of OAuth secrets.
  [
    /\b(access_token|refresh_token|id_token|client_secret|client_assertion|password|code|sig)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
    `$1$2${REDACTED}`,
  ],
];

/** Free text with bearer tokens, JWTs and OAuth secrets replaced. */
export function redactSecrets(text: string): string {
  return TEXT_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}
