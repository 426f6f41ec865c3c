/**
 * The multipart/mixed text of an OData `$batch` (request and response), built and parsed here for
 * both the client and the simulator. One change set = one nested multipart whose parts are
 * `application/http` messages with `Content-ID`s; later parts may reference `$<id>` in their URL.
 * Spec: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */

const CRLF = '\r\n';

export interface HttpRequestPart {
  method: string;
  /** Absolute URL, server-relative path, or `$<content-id>` reference. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  contentId?: string;
}

export interface HttpResponsePart {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
  contentId?: string;
}

export type BatchRequestItem = HttpRequestPart | { changeset: HttpRequestPart[] };
export type BatchResponseItem = HttpResponsePart | { changeset: HttpResponsePart[] };

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};
export const statusText = (status: number): string => STATUS_TEXT[status] ?? 'Unknown';

function headerLines(headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
}

function requestPart(part: HttpRequestPart): string {
  const mime = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (part.contentId) mime.push(`Content-ID: ${part.contentId}`);
  const http = [`${part.method} ${part.url} HTTP/1.1`, ...headerLines(part.headers)];
  return [...mime, '', ...http, '', part.body ?? ''].join(CRLF);
}

function responsePart(part: HttpResponsePart): string {
  const mime = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (part.contentId) mime.push(`Content-ID: ${part.contentId}`);
  const http = [
    `HTTP/1.1 ${part.status} ${part.statusText || statusText(part.status)}`,
    ...headerLines(part.headers),
  ];
  return [...mime, '', ...http, '', part.body].join(CRLF);
}

function multipart<T>(boundary: string, items: T[], render: (item: T) => string): string {
  return (
    items.map((item) => `--${boundary}${CRLF}${render(item)}${CRLF}`).join('') + `--${boundary}--${CRLF}`
  );
}

function build<T extends object>(
  boundary: string,
  items: Array<T | { changeset: T[] }>,
  render: (part: T) => string,
  nextChangesetBoundary: () => string,
): string {
  return multipart(boundary, items, (item) => {
    if ('changeset' in item) {
      const inner = nextChangesetBoundary();
      return [
        `Content-Type: multipart/mixed; boundary=${inner}`,
        '',
        multipart(inner, item.changeset, render),
      ].join(CRLF);
    }
    return render(item);
  });
}

export function buildBatchRequest(
  boundary: string,
  items: BatchRequestItem[],
  changesetBoundary: (i: number) => string,
): string {
  let n = 0;
  return build(boundary, items, requestPart, () => changesetBoundary(n++));
}

export function buildBatchResponse(
  boundary: string,
  items: BatchResponseItem[],
  changesetBoundary: (i: number) => string,
): string {
  let n = 0;
  return build(boundary, items, responsePart, () => changesetBoundary(n++));
}

export class MultipartSyntaxError extends Error {}

/** `boundary` parameter of a multipart Content-Type header. */
export function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MultipartSyntaxError('multipart/mixed Content-Type without boundary');
  return boundary;
}

/** Header block + rest, accepting CRLF or bare LF line ends. */
function splitHead(text: string): { headers: Record<string, string>; startLine?: string; rest: string } {
  const match = /\r?\n\r?\n/.exec(text);
  const head = match ? text.slice(0, match.index) : text;
  const rest = match ? text.slice(match.index + match[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest };
}

function splitParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const segments = body.split(delimiter);
  if (segments.length < 2) throw new MultipartSyntaxError(`no part delimited by ${delimiter}`);
  const parts: string[] = [];
  for (const segment of segments.slice(1)) {
    if (segment.startsWith('--')) break; // close delimiter
    parts.push(segment.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
  }
  return parts;
}

interface RawPart {
  mime: Record<string, string>;
  http: string;
}

function parseMultipart<T>(
  body: string,
  boundary: string,
  one: (raw: RawPart) => T,
): Array<T | { changeset: T[] }> {
  return splitParts(body, boundary).map((text) => {
    const { headers, rest } = splitHead(text);
    const type = headers['content-type'] ?? '';
    if (/^multipart\/mixed/i.test(type)) {
      return { changeset: parseMultipart(rest, boundaryOf(type), one) as T[] };
    }
    if (!/^application\/http/i.test(type))
      throw new MultipartSyntaxError(`unexpected part Content-Type '${type}'`);
    return one({ mime: headers, http: rest });
  });
}

function parseHttpMessage(http: string): {
  startLine: string;
  headers: Record<string, string>;
  body: string;
} {
  const newline = /\r?\n/.exec(http);
  const startLine = (newline ? http.slice(0, newline.index) : http).trim();
  const afterStart = newline ? http.slice(newline.index + newline[0].length) : '';
  // No headers at all: the blank line follows the start line directly.
  if (/^\r?\n/.test(afterStart))
    return { startLine, headers: {}, body: afterStart.replace(/^\r?\n/, '').replace(/\r?\n$/, '') };
  const { headers, rest } = splitHead(afterStart);
  return { startLine, headers, body: rest.replace(/\r?\n$/, '') };
}

export function parseBatchRequest(body: string, contentType: string | undefined): BatchRequestItem[] {
  return parseMultipart<HttpRequestPart>(body, boundaryOf(contentType), ({ mime, http }) => {
    const message = parseHttpMessage(http);
    const match = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/1\.[01])?$/.exec(message.startLine);
    if (!match) throw new MultipartSyntaxError(`invalid request line '${message.startLine}'`);
    const part: HttpRequestPart = { method: match[1]!, url: match[2]!, headers: message.headers };
    if (message.body) part.body = message.body;
    if (mime['content-id']) part.contentId = mime['content-id'];
    return part;
  });
}

export function parseBatchResponse(body: string, contentType: string | undefined): BatchResponseItem[] {
  return parseMultipart<HttpResponsePart>(body, boundaryOf(contentType), ({ mime, http }) => {
    const message = parseHttpMessage(http);
    const match = /^HTTP\/1\.[01]\s+(\d{3})\s*(.*)$/.exec(message.startLine);
    if (!match) throw new MultipartSyntaxError(`invalid status line '${message.startLine}'`);
    const part: HttpResponsePart = {
      status: Number(match[1]),
      statusText: match[2] ?? '',
      headers: message.headers,
      body: message.body,
    };
    if (mime['content-id']) part.contentId = mime['content-id'];
    return part;
  });
}
