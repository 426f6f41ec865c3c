/**
 * Verification of the Dataverse webhook (the service endpoint `cosell setup` registers, WebhookKey
 * auth: dataverse-solution-format.md §5.5), beside the Partner Center verifier: give it what arrived,
 * get back the parsed RemoteExecutionContext or a precise 4xx. Checks, in order: JSON content type;
 * the shared key (in the `code` query parameter, or the configured header), compared in constant
 * time before the body is even parsed; nesting depth (Domain `excessNestingAt`, before parsing);
 * JSON (a leading UTF-8 BOM, which Dataverse may send, is dropped); the RemoteExecutionContext shape
 * and GUID record ids (Domain `parseRemoteExecutionContext`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { excessNestingAt, MAX_JSON_DEPTH } from '../../Domain/jsonDepth';
import { parseRemoteExecutionContext } from '../../Domain/pluginEvent';
import type { PluginEvent } from '../../Domain/pluginEvent';
import { ValidationError } from '../../Domain/referral';
import type { HeaderBag } from '../http';

export type DataverseWebhookRejectReason =
  | 'unsupportedMediaType'
  | 'missingKey'
  | 'invalidKey'
  | 'nestedTooDeep'
  | 'invalidJson'
  | 'invalidExecutionContext';

const STATUS: Record<DataverseWebhookRejectReason, 400 | 401 | 415> = {
  unsupportedMediaType: 415,
  missingKey: 401,
  invalidKey: 401,
  nestedTooDeep: 400,
  invalidJson: 400,
  invalidExecutionContext: 400,
};

export type DataverseWebhookVerification =
  | { ok: true; event: PluginEvent }
  | { ok: false; status: 400 | 401 | 415; reason: DataverseWebhookRejectReason; message: string };

export interface DataverseWebhookDelivery {
  headers: HeaderBag;
  /** Parsed query string (fastify `request.query`). */
  query: Record<string, unknown>;
  /** The raw body bytes. */
  body: Buffer;
}

export interface DataverseWebhookVerifierOptions {
  /** The shared key registered on the service endpoint. */
  key: string;
  /** Header carrying the key (auth type HttpHeader); null: the `code` query parameter (WebhookKey). */
  header: string | null;
}

export interface DataverseWebhookVerifier {
  verify(delivery: DataverseWebhookDelivery): DataverseWebhookVerification;
}

/** Hashing first makes both sides equal length, so the comparison leaks neither content nor length. */
export function secretsEqual(received: string, expected: string): boolean {
  const a = createHash('sha256').update(received, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const reject = (reason: DataverseWebhookRejectReason, message: string): DataverseWebhookVerification => ({
  ok: false,
  status: STATUS[reason],
  reason,
  message,
});

export function createDataverseWebhookVerifier(
  options: DataverseWebhookVerifierOptions,
): DataverseWebhookVerifier {
  const header = options.header?.toLowerCase() ?? null;
  return {
    verify({ headers, query, body }) {
      const contentType = headers['content-type'];
      if (typeof contentType !== 'string' || !contentType.toLowerCase().startsWith('application/json')) {
        return reject('unsupportedMediaType', 'Send the RemoteExecutionContext as application/json.');
      }
      const presented = header ? headers[header] : query.code;
      if (typeof presented !== 'string' || presented.length === 0) {
        const where = options.header ? `the ${options.header} header` : 'the code query parameter';
        return reject('missingKey', `The webhook key is missing from ${where}.`);
      }
      if (!secretsEqual(presented, options.key)) {
        return reject('invalidKey', 'The webhook key does not match the one registered by `cosell setup`.');
      }
      // Before parsing: walking a deeply nested result is what costs heap and stack.
      const tooDeep = excessNestingAt(body);
      if (tooDeep >= 0) {
        return reject(
          'nestedTooDeep',
          `The body nests deeper than ${MAX_JSON_DEPTH} levels (at byte ${tooDeep}); a RemoteExecutionContext never does.`,
        );
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
      } catch {
        return reject('invalidJson', 'The body is not valid JSON.');
      }
      try {
        return { ok: true, event: parseRemoteExecutionContext(parsed) };
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return reject('invalidExecutionContext', `Not a RemoteExecutionContext: ${error.message}`);
      }
    },
  };
}
