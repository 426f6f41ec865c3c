/**
 * The worker's concurrency limit (AIMD) on an injected clock: it halves on a throttling answer,
 * never below 1, holds new jobs for the Retry-After, and climbs back one job per round of successes.
 */
import { AdaptiveConcurrency, isThrottling } from '../../../Relay/sync/adaptiveConcurrency';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function limiter(max = 16) {
  let now = T0;
  const changes: number[] = [];
  const limit = new AdaptiveConcurrency({
    max,
    clock: { now: () => new Date(now) },
    onChange: (n) => changes.push(n),
  });
  return {
    limit,
    changes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

it('starts at the configured most and never goes above it', () => {
  const { limit, changes } = limiter(8);
  expect(limit.limit).toBe(8);
  for (let i = 0; i < 100; i++) limit.succeeded();
  expect(limit.limit).toBe(8);
  expect(changes).toEqual([]);
  expect(limit.mayStart(7)).toBe(true);
  expect(limit.mayStart(8)).toBe(false);
});

it('halves on a 429 and holds new jobs until its Retry-After has passed', () => {
  const { limit, changes, advance } = limiter(16);
  limit.throttled(2000);
  expect(limit.limit).toBe(8);
  expect(changes).toEqual([8]);
  expect(limit.holdRemainingMs()).toBe(2000);
  expect(limit.mayStart(0)).toBe(false);
  advance(1999);
  expect(limit.mayStart(0)).toBe(false);
  advance(1);
  expect(limit.holdRemainingMs()).toBe(0);
  expect(limit.mayStart(7)).toBe(true);
  expect(limit.mayStart(8)).toBe(false);
});

it('takes the 429s of the jobs in flight at one push-back as one signal, and a later one as another', () => {
  const { limit, advance } = limiter(16);
  for (let i = 0; i < 16; i++) limit.throttled(1000);
  expect(limit.limit).toBe(8);
  advance(500);
  limit.throttled(1000); // inside the hold: it only extends it
  expect(limit.limit).toBe(8);
  expect(limit.holdRemainingMs()).toBe(1000);
  advance(1000);
  limit.throttled(1000);
  expect(limit.limit).toBe(4);
});

it('never falls below 1, however often it is throttled', () => {
  const { limit, advance } = limiter(32);
  for (let i = 0; i < 20; i++) {
    limit.throttled(100);
    advance(1000);
  }
  expect(limit.limit).toBe(1);
  expect(limit.mayStart(0)).toBe(true);
  expect(limit.mayStart(1)).toBe(false);
});

it('a 429 without Retry-After halves the limit without a hold, once per episode', () => {
  const { limit, advance } = limiter(16);
  limit.throttled(null);
  limit.throttled(null);
  expect(limit.limit).toBe(8);
  expect(limit.mayStart(0)).toBe(true);
  advance(1000);
  limit.throttled(null);
  expect(limit.limit).toBe(4);
});

it('recovers by one job per round of successes, up to the most again', () => {
  const { limit, changes, advance } = limiter(8);
  limit.throttled(1000);
  expect(limit.limit).toBe(4);
  // Jobs that ran through the hold tell nothing about the room the service has.
  for (let i = 0; i < 10; i++) limit.succeeded();
  expect(limit.limit).toBe(4);
  advance(1000);
  for (let i = 0; i < 3; i++) limit.succeeded();
  expect(limit.limit).toBe(4);
  limit.succeeded(); // 4 successes at 4: +1
  expect(limit.limit).toBe(5);
  for (let i = 0; i < 100; i++) limit.succeeded();
  expect(limit.limit).toBe(8);
  expect(changes).toEqual([4, 5, 6, 7, 8]);
});

it('honours a long Retry-After up to the cap, and still halves', () => {
  const { limit } = limiter(4);
  limit.throttled(3_600_000);
  expect(limit.limit).toBe(2);
  expect(limit.holdRemainingMs()).toBe(300_000);
});

it('counts 429 always and 503 only when it says when to come back', () => {
  expect(isThrottling(429, null)).toBe(true);
  expect(isThrottling(429, 1000)).toBe(true);
  expect(isThrottling(503, 1000)).toBe(true);
  expect(isThrottling(503, null)).toBe(false);
  expect(isThrottling(500, 1000)).toBe(false);
  expect(isThrottling(null, null)).toBe(false);
});
