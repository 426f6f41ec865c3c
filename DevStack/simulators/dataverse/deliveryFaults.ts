/**
 * Faults on asynchronous webhook deliveries, so tests can lose, repeat and reorder Dataverse events
 * the way a flaky network and the async service's own retries do (a delivery that timed out after
 * the receiver committed is sent again: a real duplicate). Counters affect the next n deliveries;
 * rates affect each delivery with a seeded generator, so a run is repeatable.
 * Synchronous steps are never affected: they run inside the caller's transaction, where a lost call
 * would be a failed operation, not a lost event.
 */
import { badRequest } from './errors';
import { seededRandom as seeded } from '../seededRandom';

export interface DeliveryFaultSettings {
  /** Lose the next n deliveries (logged as `dropped`, no system job is created). */
  drop?: number;
  /** Send the next n deliveries `copies` times each. */
  duplicate?: number;
  /** Deliveries of a duplicated event in all (default 2). */
  copies?: number;
  /** Hold the next n deliveries: for `delayMs`, or until released when `delayMs` is 0/absent. */
  delay?: number;
  delayMs?: number;
  /** Fractions (0–1) of all deliveries to drop / duplicate / delay, drawn from `seed`. */
  rates?: { drop?: number; duplicate?: number; delay?: number };
  seed?: number;
}

export interface DeliveryFaultState {
  drop: number;
  duplicate: number;
  copies: number;
  delay: number;
  delayMs: number;
  rates: { drop: number; duplicate: number; delay: number };
  seed: number;
}

/** What happens to one delivery. `copies` ≥ 1; `delayMs` null = hold until released. */
export interface DeliveryFate {
  drop: boolean;
  copies: number;
  delay: { ms: number | null } | null;
}

const initial = (): DeliveryFaultState => ({
  drop: 0,
  duplicate: 0,
  copies: 2,
  delay: 0,
  delayMs: 0,
  rates: { drop: 0, duplicate: 0, delay: 0 },
  seed: 1,
});

function count(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0)
    throw badRequest(`${name} must be a non-negative integer`);
  return value as number;
}

function rate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw badRequest(`rates.${name} must be between 0 and 1`);
  return value;
}

export class DeliveryFaults {
  private settings = initial();
  private random = seeded(this.settings.seed);

  /** Validates everything first: a bad field changes nothing. */
  configure(input: DeliveryFaultSettings): DeliveryFaultState {
    const next: DeliveryFaultState = { ...this.settings, rates: { ...this.settings.rates } };
    if (input.drop !== undefined) next.drop = count('drop', input.drop);
    if (input.duplicate !== undefined) next.duplicate = count('duplicate', input.duplicate);
    if (input.delay !== undefined) next.delay = count('delay', input.delay);
    if (input.delayMs !== undefined) next.delayMs = count('delayMs', input.delayMs);
    if (input.copies !== undefined) {
      next.copies = count('copies', input.copies);
      if (next.copies < 2) throw badRequest('copies must be at least 2');
    }
    if (input.rates !== undefined) {
      if (typeof input.rates !== 'object' || input.rates === null)
        throw badRequest('rates must be an object');
      for (const key of ['drop', 'duplicate', 'delay'] as const)
        if (input.rates[key] !== undefined) next.rates[key] = rate(key, input.rates[key]);
    }
    if (input.seed !== undefined) next.seed = count('seed', input.seed);
    this.settings = next;
    if (input.seed !== undefined) this.random = seeded(next.seed);
    return this.state();
  }

  reset(): DeliveryFaultState {
    this.settings = initial();
    this.random = seeded(this.settings.seed);
    return this.state();
  }

  state(): DeliveryFaultState {
    return { ...this.settings, rates: { ...this.settings.rates } };
  }

  /** Decides one delivery's fate, consuming one unit of each active counter. */
  next(): DeliveryFate {
    const s = this.settings;
    // Draw all three every time so one rate's setting does not shift the others' sequence.
    const [dropDraw, duplicateDraw, delayDraw] = [this.random(), this.random(), this.random()];
    let drop = dropDraw < s.rates.drop;
    if (s.drop > 0) {
      s.drop--;
      drop = true;
    }
    if (drop) return { drop: true, copies: 0, delay: null };
    let duplicate = duplicateDraw < s.rates.duplicate;
    if (s.duplicate > 0) {
      s.duplicate--;
      duplicate = true;
    }
    let delay = delayDraw < s.rates.delay;
    if (s.delay > 0) {
      s.delay--;
      delay = true;
    }
    return {
      drop: false,
      copies: duplicate ? s.copies : 1,
      delay: delay ? { ms: s.delayMs > 0 ? s.delayMs : null } : null,
    };
  }
}
