/**
 * `--inspect [URL]` (SPEC §6): stream a process's actors to the Stately inspector over a
 * WebSocket (`@statelyai/inspect`). Contexts and events pass through a redactor first, so a
 * blob, a key or a secret never leaves the process even if a machine were to hold one.
 */
import { createWebSocketInspector } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';

const SECRET_KEY = /secret|blob|registry|private|phrase|key|sig/i;

function redact<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(redact) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && k !== 'type' ? '[redacted]' : redact(v);
  }
  return out as T;
}

export interface InspectHandle {
  /** Pass as `createActor(machine, { inspect })`. */
  readonly inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  stop(): void;
}

export function startInspector(url: string): InspectHandle {
  const inspector = createWebSocketInspector({
    url,
    sanitizeContext: (ctx) => redact(ctx),
    sanitizeEvent: (ev) => redact(ev),
  });
  return { inspect: inspector.inspect, stop: () => inspector.stop() };
}
