/**
 * Guaranteed cleanup for what the testkit opens (stores, stacks, servers): each is registered when it
 * starts and closed after the test file, even when the test or a later setup step failed. Importing
 * this module registers the hook, so a test file never needs its own afterAll for testkit resources.
 */
type Closer = () => Promise<unknown> | unknown;

const open = new Set<Closer>();

/** Close `closer` after the file's tests (unless closed before through the returned function). */
export function closeAfterAll(closer: Closer): () => Promise<void> {
  let closed: Promise<void> | null = null;
  const once: Closer = () =>
    (closed ??= Promise.resolve()
      .then(closer)
      .then(() => undefined));
  open.add(once);
  return async () => {
    open.delete(once);
    await once();
  };
}

afterAll(async () => {
  const closers = [...open].reverse();
  open.clear();
  const results = await Promise.allSettled(closers.map((close) => close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
});
