import * as React from 'react';

export type AsyncState<T> =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'done'; value: T }
  | { state: 'failed'; error: unknown };

const IDLE = { state: 'idle' } as const;
const LOADING = { state: 'loading' } as const;

/**
 * Runs `load` whenever `deps` change and ignores answers that arrive after a newer run or after
 * unmount (the form re-renders the control on every value change, so stale answers are normal).
 */
export function useAsync<T>(load: (() => Promise<T>) | null, deps: React.DependencyList): AsyncState<T> {
  // Shared state objects: setting the state it already has lets React skip the render.
  const [result, setResult] = React.useState<AsyncState<T>>(load ? LOADING : IDLE);
  React.useEffect(() => {
    if (!load) {
      setResult(IDLE);
      return undefined;
    }
    let current = true;
    setResult(LOADING);
    load().then(
      (value) => current && setResult({ state: 'done', value }),
      (error: unknown) => current && setResult({ state: 'failed', error }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- callers pass the inputs of `load` as deps
  }, deps);
  return result;
}

/** Message of anything thrown, for "couldn't load: …" lines (Web API errors are `{ message }` objects). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error && 'message' in error) return String(error.message);
  return String(error);
}
