/**
 * The relay's logger: pino JSON lines, secrets and tokens redacted by path and by pattern, so a
 * careless `log.info({ headers })` cannot leak a bearer token or a webhook key.
 */
import pino from 'pino';
import type { DestinationStream } from 'pino';
import type { Logger } from '../ports';

/** Property paths whose values never reach a log line (pino `redact`, wildcards one level deep). */
export const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers["x-ms-signature"]',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'code',
  '*.code',
  'query.code',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'clientSecret',
  '*.clientSecret',
  'secret',
  '*.secret',
  'webhookKey',
  '*.webhookKey',
  'password',
  '*.password',
  'userAssertion',
  '*.userAssertion',
];

/** Patterns scrubbed from free text (messages, error strings, URLs): bearer tokens, JWTs, `code=` keys. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/Bearer\s+[A-Za-z0-9\-._~+/]+=*/g, 'Bearer [Redacted]'],
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[Redacted JWT]'],
  [/([?&](?:code|sig|key|token|client_secret)=)[^&\s"]+/gi, '$1[Redacted]'],
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
