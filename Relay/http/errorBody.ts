/**
 * Error bodies of Microsoft APIs come in several envelopes and sometimes as plain text; the Partner
 * Center Referrals envelope is undocumented (partner-center-api.md §4.2), so every known shape is read
 * and anything else falls back to the (truncated, redacted) text.
 */
import { redactSecrets } from './redact';

export interface ParsedErrorBody {
  message: string;
  /** Service error code when the body carried one (Partner Center `code`, OData `error.code`, AAD `error`). */
  code: string | null;
}

const MAX_TEXT = 500;

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;

function fromObject(body: Record<string, unknown>): ParsedErrorBody | null {
  const error = body.error;
  // OData / Dataverse: { error: { code, message } }
  if (error && typeof error === 'object') {
    const inner = error as Record<string, unknown>;
    const message = str(inner.message);
    if (message) return { message, code: str(inner.code) };
  }
  // AAD token endpoint: { error: "invalid_grant", error_description: "AADSTS…" }
  if (typeof error === 'string') {
    return { message: str(body.error_description) ?? error, code: error };
  }
  // Partner Center classic: { code, description, data, source }; throttling: { statusCode, message };
  // problem+json: { title, detail }.
  const message = str(body.description) ?? str(body.message) ?? str(body.detail) ?? str(body.title);
  if (message) return { message, code: str(body.code) ?? str(body.errorCode) };
  return null;
}

export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return { message: '(empty body)', code: null };
  if (trimmed.startsWith('{')) {
    try {
      const parsed = fromObject(JSON.parse(trimmed) as Record<string, unknown>);
      if (parsed) return { message: redactSecrets(parsed.message).slice(0, MAX_TEXT), code: parsed.code };
    } catch {
      // not JSON after all: fall through to text
    }
  }
  return { message: redactSecrets(trimmed).slice(0, MAX_TEXT), code: null };
}
