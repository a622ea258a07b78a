// A hand-driven Clock for the agent runtime: timers fire only when the test advances time.
import type { Clock } from '../../agent/clock.js';

interface Timer {
  id: number;
  at: number;
  /** The duration it was armed with: tells the shell's timers apart. */
  ms: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: Timer[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: ++this.seq, at: this.t + ms, ms, fn };
    this.timers.push(timer);
    return timer.id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  /** Delays (from now) of the armed timers, soonest first. */
  pending(): number[] {
    return this.timers.map((x) => x.at - this.t).sort((a, b) => a - b);
  }
  /** Fires the timer that was armed for `ms` (time moves to it), leaving the others armed. */
  fireArmedFor(ms: number): void {
    const timer = this.timers.find((x) => x.ms === ms);
    if (!timer) throw new Error(`no timer armed for ${ms} ms (armed: ${this.timers.map((x) => x.ms).join(', ')})`);
    this.timers = this.timers.filter((x) => x !== timer);
    this.t = Math.max(this.t, timer.at);
    timer.fn();
  }
  /** Moves time to the soonest timer and fires it; false when none is armed. */
  fireNext(): boolean {
    const next = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
    if (!next) return false;
    this.timers = this.timers.filter((x) => x !== next);
    this.t = Math.max(this.t, next.at);
    next.fn();
    return true;
  }
}
