/**
 * The relay's logger: pino JSON lines, secrets and tokens redacted by path and by pattern, so a
 * careless `log.info({ headers })` cannot leak a bearer token or a webhook key.
 */
import pino from 'pino';
import type { DestinationStream } from 'pino';
import type { Logger } from '../ports';

/**
 * Keys whose values never reach a log line, at any depth: the line is scrubbed as text after it is
 * serialised (SECRET_PATTERNS). pino's `*.key` wildcard paths did this one level deep, at the price
 * of a redaction pass over every value of every line, twice what the rest of the line cost
 * (bench/README.md, ingest profile).
 */
const SECRET_KEYS = [
  'authorization',
  // The webhook key travels as `code` (WebhookKey auth); an error's `code` is censored too (as before).
  'code',
  'token',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'secret',
  'webhookKey',
  'password',
  'userAssertion',
  'x-ms-signature',
  'x-api-key',
];

/** Property paths pino replaces before serialising, whatever the value (an object too); no wildcards (see SECRET_KEYS). */
export const REDACTED_PATHS = [
  ...SECRET_KEYS.filter((key) => /^[A-Za-z_]\w*$/.test(key)),
  'Authorization',
  'headers.authorization',
  'headers["x-ms-signature"]',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'query.code',
  'req.query.code',
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** Patterns scrubbed from free text (messages, error strings, URLs, serialised lines): bearer tokens, JWTs, `code=` keys, secret keys' values. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/Bearer\s+[A-Za-z0-9\-._~+/]+=*/g, 'Bearer [Redacted]'],
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[Redacted JWT]'],
  [/([?&](?:code|sig|key|token|client_secret)=)[^&\s"]+/gi, '$1[Redacted]'],
  // A JSON member `"<secret key>": <string, number or boolean>`; in JSON text a key is the only
  // quoted string followed by a colon, so a value that merely mentions the key is left alone.
  [
    new RegExp(
      `"(${SECRET_KEYS.map(escapeRegExp).join('|')})"\\s*:\\s*(?:"(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*|true|false)`,
      'gi',
    ),
    '"$1":"[Redacted]"',
  ],
];

export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go (tests pass a memory stream); stdout by default. */
  destination?: DestinationStream;
  /** Extra fields on every line, e.g. { service: 'relay' }. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { service: 'relay' },
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      // Messages and error text can embed a URL with ?code=… or a token: scrub after serialization.
      hooks: {
        streamWrite: (line) => scrubSecrets(line),
      },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination(1),
  ) as unknown as Logger;
}

/** A logger that drops everything (tests, library defaults); also satisfies fastify's logger shape. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
