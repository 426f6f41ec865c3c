/** Stable GUIDs for rows the simulator seeds (same id after every restart or reset). */
import { createHash } from 'node:crypto';

export function stableGuid(...parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('|')).digest('hex');
  // RFC 4122 layout, version 5 / variant bits set.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
