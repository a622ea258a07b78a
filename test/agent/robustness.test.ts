// Nothing the relay sends can crash the agent (issue #4): frames beyond maxPayload, floods of
// unknown messages, a second `ready`. A controllable relay plays the hostile side of the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentRuntime, type AgentRuntime } from '../../agent/runtime.js';
import { newAgentFile } from '../../agent/config.js';
import { MAX_RELAY_FRAME_BYTES } from '../../agent/wire.js';
import { newWallet } from '../../crypto/wallet.js';
import { FakeRelay } from './fake-relay.js';

let relay: FakeRelay | undefined;
let rt: AgentRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  await relay?.close();
  rt = undefined;
  relay = undefined;
});

const wallet = newWallet();

async function start(logs: string[]) {
  relay = await FakeRelay.start();
  rt = startAgentRuntime({
    wallet,
    config: newAgentFile('sturdy', relay.url),
    backoff: { baseMs: 20, capMs: 100 },
    log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
  });
  return { relay, rt };
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('agent robustness against a hostile relay', () => {
  it('refuses a frame larger than its maxPayload, then reconnects and republishes', async () => {
    const logs: string[] = [];
    const { relay, rt } = await start(logs);
    const first = await relay.waitLive();
    first.socket.send(JSON.stringify({ type: 'ready' }));
    await waitFor(() => rt.state() === 'published', 'published');
    first.socket.send('x'.repeat(MAX_RELAY_FRAME_BYTES + 1));
    await relay.until(() => first.closed, 'the agent to refuse the frame');
    const second = await relay.until(() => relay.connections.length === 2 && relay.live(), 'a reconnect');
    second.socket.send(JSON.stringify({ type: 'ready' }));
    await relay.until(() => second.frames.some((f) => f.type === 'registry'), 'a republish');
    const drop = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'drop');
    expect(drop).toMatchObject({ reason: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
  });

  it('logs a flood of unknown messages once per kind and stays registered on the same socket', async () => {
    const logs: string[] = [];
    const { relay, rt } = await start(logs);
    const c = await relay.waitLive();
    c.socket.send(JSON.stringify({ type: 'ready' }));
    await waitFor(() => rt.state() === 'published', 'published');
    for (let i = 0; i < 200; i++) {
      c.socket.send(JSON.stringify({ type: 'attach', i }));
      c.socket.send('[1,2');
      c.socket.send(JSON.stringify({ type: 'ready' })); // a second ready changes nothing
      c.socket.send(JSON.stringify(null));
      c.socket.send(JSON.stringify({ type: '\u001b[2J' }));
    }
    c.socket.send(JSON.stringify({ type: 'offer' }));
    await waitFor(() => logs.some((l) => l.includes('type:offer')), 'the last frame handled');
    const ignored = logs.filter((l) => l.includes('"ignored"'));
    expect(ignored.map((l) => (JSON.parse(l) as { kind: string }).kind).sort()).toEqual(['bad-json', 'not-an-object', 'type:attach', 'type:offer', 'unknown-type']);
    expect(rt.state()).toBe('published');
    expect(rt.stats.attempts).toBe(1);
    expect(c.frames.filter((f) => f.type === 'registry')).toHaveLength(1);
  });
});
