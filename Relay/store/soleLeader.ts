/**
 * Leadership of a relay that owns its queue alone (the embedded SQLite store, or tests): it always
 * leads, since no other process can share the queue.
 */
import type { Leadership } from '../ports';

export const soleLeader = (): Leadership => ({
  isLeader: () => true,
  start: async (onElected) => onElected?.(),
  stop: async () => undefined,
});
