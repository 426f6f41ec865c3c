/**
 * Failure injection, to check that every test file closes what it opens even when it fails
 * (tests/testkit/testsEnd.ts runs it; see tests/README.md). A no-op unless TESTKIT_INJECT_FAILURE is set:
 * - `expect`: the first assertion of every test throws, after whatever the test body opened so far;
 * - `beforeAll` / `beforeEach`: every such hook throws once it has run.
 * Loaded by jest.config.js (setupFilesAfterEnv), so it wraps the globals before a test file registers.
 */
const mode = process.env.TESTKIT_INJECT_FAILURE;
const injected = () => new Error(`injected failure (TESTKIT_INJECT_FAILURE=${mode})`);

type Hook = typeof beforeAll;
const throwingAfter =
  (register: Hook): Hook =>
  (fn, timeout) =>
    register(async function (this: unknown) {
      await (fn as (this: unknown) => unknown).call(this);
      throw injected();
    }, timeout);

if (mode === 'expect') {
  // @types/jest declares `expect` as a const, but at run time it is a plain global like the hooks.
  const globals = globalThis as unknown as { expect: typeof expect };
  const realExpect = globals.expect;
  let armed = false;
  beforeEach(() => {
    armed = true;
  });
  const failingFirst = ((actual: unknown) => {
    if (armed) {
      armed = false;
      // A real assertion never throws before `.rejects` handles the promise: neither may this one.
      if (actual instanceof Promise) actual.catch(() => undefined);
      throw injected();
    }
    return realExpect(actual);
  }) as typeof expect;
  globals.expect = Object.assign(failingFirst, realExpect);
} else if (mode === 'beforeAll') {
  globalThis.beforeAll = throwingAfter(globalThis.beforeAll);
} else if (mode === 'beforeEach') {
  globalThis.beforeEach = throwingAfter(globalThis.beforeEach);
} else if (mode) {
  throw new Error(`TESTKIT_INJECT_FAILURE must be expect, beforeAll or beforeEach (got ${mode})`);
}

export {};
