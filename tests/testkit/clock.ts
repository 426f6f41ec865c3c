/** A clock tests move by hand (Clock port). */
import type { Clock } from '../../Relay/ports';

export class FakeClock implements Clock {
  private current: Date;

  constructor(start: string | Date = '2026-03-01T12:00:00Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: string | Date): void {
    this.current = new Date(at);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
