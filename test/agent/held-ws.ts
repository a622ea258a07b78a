// A real `ws` WebSocket whose send callbacks are held until the test releases them. The bytes
// go out on the wire as usual; only the shell's "it was written" fact (publish.sent) waits, so
// a model step can observe the agent in `registered` before it moves on.
import WebSocket from 'ws';

const held: Array<() => void> = [];

export class HeldSendWebSocket extends WebSocket {
  override send(data: unknown, optionsOrCb?: unknown, cb?: (err?: Error) => void): void {
    const callback = typeof optionsOrCb === 'function' ? (optionsOrCb as (err?: Error) => void) : cb;
    const options = typeof optionsOrCb === 'object' && optionsOrCb !== null ? optionsOrCb : {};
    if (!callback) return super.send(data as string, options);
    super.send(data as string, options, (err?: Error) => held.push(() => callback(err)));
  }
}

/** Delivers every held callback; resolves to how many there were. */
export function releaseSends(): number {
  const n = held.length;
  held.splice(0).forEach((f) => f());
  return n;
}

export function heldSends(): number {
  return held.length;
}

export function dropHeldSends(): void {
  held.length = 0;
}
