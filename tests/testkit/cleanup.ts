/**
 * Guaranteed cleanup for what tests open (stores, stacks, servers, child processes), even when the
 * test or a later setup step failed. Importing this module registers the hooks, so a test file needs no
 * afterAll/afterEach of its own for what it registers here:
 * - `closeAfterAll(closer)`: after the file's tests (testkit fixtures started in beforeAll);
 * - `afterTest(fn)` / `closeAfterTest(resource)`: after the current test (what a test body opens).
 * Each runs newest first, and the first error is reported once all have run.
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

const afterThisTest: Closer[] = [];

/** Run `fn` after the current test, passed or failed. */
export function afterTest(fn: Closer): void {
  afterThisTest.push(fn);
}

type Closable = { close(): unknown } | { stop(): unknown };

/**
 * Close (or stop) `resource` after the current test and return it. The test may still close it itself
 * earlier (e.g. to restart on the same data): the method runs once, later calls await that first run.
 */
export function closeAfterTest<T extends Closable>(resource: T): T {
  const key = 'close' in resource ? 'close' : 'stop';
  const target = resource as unknown as Record<string, () => unknown>;
  const original = target[key]!.bind(resource);
  let once: Promise<unknown> | undefined;
  target[key] = () => (once ??= Promise.resolve().then(original));
  afterTest(() => target[key]!());
  return resource;
}

afterEach(async () => {
  const errors: unknown[] = [];
  for (const run of afterThisTest.splice(0).reverse()) {
    try {
      await run();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length) throw errors[0];
});
