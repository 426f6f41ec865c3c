/** Constant-time comparison of the service endpoint's shared key (dataverse-solution-format.md §5.5). */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Hashing first makes both sides equal length, so the comparison leaks neither content nor length. */
export function secretsEqual(received: string, expected: string): boolean {
  const a = createHash('sha256').update(received, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
