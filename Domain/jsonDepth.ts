/**
 * Nesting depth of JSON text, measured before it is parsed. JSON.parse itself copes with deep input,
 * but everything that walks the result recursively (our parsers, zod, JSON.stringify) overflows the
 * stack or allocates per level: 100 KB of `[` cost ~390 MB of heap. One linear pass with no
 * allocation tells the caller to refuse first. Works on text or raw UTF-8 bytes: every byte of a
 * multi-byte UTF-8 sequence is ≥ 0x80, so the ASCII brackets and quotes are found the same way.
 */

/** Deeper than any real payload: RemoteExecutionContext reaches 13 (EntityCollection in an image), plus one per ParentContext. */
export const MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Offset of the first `{` or `[` that opens level `maxDepth + 1` (a UTF-16 index for text, a byte
 * index for bytes), or -1 when the text stays within `maxDepth`. Brackets inside strings do not
 * count; the text need not be valid JSON (the parser that follows reports that).
 */
export function excessNestingAt(json: string | Uint8Array, maxDepth: number = MAX_JSON_DEPTH): number {
  return typeof json === 'string' ? scanText(json, maxDepth) : scanBytes(json, maxDepth);
}

// The same loop twice, over UTF-16 code units and over bytes: reading both through one accessor
// closure kept V8 from inlining it, and the webhook routes scan every body.

function scanText(json: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return i;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return -1;
}

function scanBytes(json: Uint8Array, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return i;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return -1;
}
