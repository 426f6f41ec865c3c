/**
 * Deterministic GUIDs for form-internal ids (tabs, sections, cells, handlers). Name-based (SHA-1,
 * RFC 4122 version 5 layout) so regeneration yields the same XML; ids other parts of the product
 * reference (forms, views, roles) are fixed in Domain/constants instead.
 */
import { createHash } from 'node:crypto';

/** Namespace for our name-based ids (a random v4 GUID, fixed forever). */
const NAMESPACE = '3f0a8c52-6d1e-4b7a-9c2f-5e8d1a4b7c60';

export function stableGuid(name: string): string {
  const hash = createHash('sha1').update(`${NAMESPACE}:${name}`).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
