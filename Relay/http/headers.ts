/** Inbound request headers as Node and fastify hand them over, read case-insensitively. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** The first value of header `name` (any case), trimmed; undefined when absent or blank. */
export function headerOf(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  }
  return undefined;
}
