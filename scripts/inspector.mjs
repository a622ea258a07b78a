#!/usr/bin/env node
// `npm run inspector [-- --port 8080] [--quiet]`: a local receiver for `--inspect`. It serves a page
// that frames the hosted Stately inspector (https://stately.ai/inspect, needs internet) and
// forwards every actor event to it; it also prints each actor and state change here, so the
// machines can be watched offline too. Then start any binary with `--inspect ws://127.0.0.1:PORT`.
import { createInspectorServer } from '@statelyai/inspect/server';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1]) || 8080;
const quiet = args.includes('--quiet');
const server = createInspectorServer({ port, autoOpen: false });
console.log(`inspector receiver on ws://127.0.0.1:${port}`);
console.log(`  open http://localhost:${port} in a browser for the Stately inspector (online), or watch below`);
console.log(`  then: mir-relay --inspect ws://127.0.0.1:${port}   (likewise mir-agent, mir-tui)`);

const states = new Map();
const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
function tap() {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  ws.on('error', () => setTimeout(tap, 500));
  ws.on('message', (data) => {
    if (quiet) return;
    let ev;
    try { ev = JSON.parse(String(data)); } catch { return; }
    const id = ev.sessionId ?? '?';
    if (ev.type === '@xstate.actor') console.log(`+ ${id} ${ev.definition ? JSON.parse(ev.definition).id ?? '' : ''}`);
    if (ev.type === '@xstate.snapshot') {
      const value = show(ev.snapshot?.value);
      if (states.get(id) !== value) console.log(`  ${id}: ${states.get(id) ?? '∅'} → ${value}${ev.event?.type ? `  (${ev.event.type})` : ''}`);
      states.set(id, value);
    }
  });
}
setTimeout(tap, 200);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { server.stop(); process.exit(0); });
