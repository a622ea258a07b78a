/**
 * The timers the agent shell arms for its machine (backoff, healthy uptime), behind a small
 * interface so tests and the model walk can drive time by hand (STYLE: inject the clock).
 */
export interface Clock {
  /** Monotonic milliseconds, for uptime figures. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real time: `performance.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
