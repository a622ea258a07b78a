/** Plain text for the screen: short forms of addresses and ids, and the connection label. */
import { type ConnectionState } from '../client/view.js';

/** `7xKXtg…sgAsU`: enough of a wallet address to recognise it, short enough for 80 columns. */
export function shortAddress(address: string): string {
  return address.length <= 14 ? address : `${address.slice(0, 6)}…${address.slice(-5)}`;
}

/** The first 8 of the 16 hex chars of a machine_id: what people compare by eye. */
export const shortId = (machineId: string): string => machineId.slice(0, 8);

export type Tone = 'good' | 'warn' | 'bad' | 'dim';

/** The header's words for the relay connection (issue #6: live / reconnecting in Ns / offline — polling). */
export function connectionLabel(c: ConnectionState, secondsLeft?: number, problem?: string): { text: string; tone: Tone } {
  const label = bareLabel(c, secondsLeft);
  // Why the relay could not be reached (a short reason such as ECONNREFUSED, never a blob).
  return problem && (c.kind === 'reconnecting' || c.kind === 'offline') ? { ...label, text: `${label.text} (${problem})` } : label;
}

function bareLabel(c: ConnectionState, secondsLeft?: number): { text: string; tone: Tone } {
  switch (c.kind) {
    case 'connecting':
      return { text: 'connecting…', tone: 'dim' };
    case 'live':
      return { text: '● live', tone: 'good' };
    case 'polling':
      return { text: `offline — polling every ${c.everySeconds}s`, tone: 'warn' };
    case 'reconnecting':
      return { text: `reconnecting in ${Math.max(0, Math.ceil(secondsLeft ?? c.inSeconds))}s`, tone: 'warn' };
    case 'offline':
      return { text: 'offline — local machines only', tone: 'bad' };
  }
}

/** `NO_COLOR` (no-color.org): present and not empty turns every colour and style off. */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.NO_COLOR;
  return v === undefined || v === '';
}
