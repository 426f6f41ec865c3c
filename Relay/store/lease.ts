/**
 * A claimed job is its worker's for this long unless renewed (the worker renews every third of it).
 * Long enough that a busy event loop or a slow Partner Center call never loses a live job, short
 * enough that a crashed replica's jobs are taken over within half a minute.
 */
export const DEFAULT_LEASE_MS = 30_000;
