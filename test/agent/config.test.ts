// agent.json setup (SPEC §5, issue #4): created once with a fresh identity, 0600 and atomic;
// reused after; flags update it; names are checked; the host name becomes a valid default.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAgentName, loadOrCreateAgentFile, renameAgent } from '../../agent/config.js';
import { nameProblem } from '../../crypto/record.js';
import { UserError } from '../../common/errors.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const home = () => {
  const d = mkdtempSync(join(tmpdir(), 'mir-agent-config-'));
  dirs.push(d);
  return join(d, 'home');
};
const RELAY = 'ws://127.0.0.1:8787';

describe('agent.json', () => {
  it('is created once, 0600, with a fresh identity, and reused unchanged by later runs', () => {
    const h = home();
    const first = loadOrCreateAgentFile(h, { defaultRelayUrl: RELAY, name: 'desk' });
    expect(first.created).toBe(true);
    expect(first.file).toMatchObject({ name: 'desk', relay_url: RELAY });
    expect(first.file.machine_id).toMatch(/^[0-9a-f]{16}$/);
    expect(first.file.registration_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(first.file.host_pub).not.toBe(first.file.host_private);
    expect(statSync(join(h, 'agent.json')).mode & 0o777).toBe(0o600);
    expect(statSync(h).mode & 0o777).toBe(0o700);
    expect(readdirSync(h).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = loadOrCreateAgentFile(h, { defaultRelayUrl: () => { throw new Error('not asked when the file exists'); } });
    expect(again).toEqual({ file: first.file, created: false, updated: [] });
  });

  it('takes --name and --relay from the command line and writes them back', () => {
    const h = home();
    const { file } = loadOrCreateAgentFile(h, { defaultRelayUrl: RELAY });
    const next = loadOrCreateAgentFile(h, { defaultRelayUrl: RELAY, name: 'renamed', relayUrl: 'ws://127.0.0.1:9999' });
    expect(next.updated).toEqual(['name', 'relay_url']);
    expect(loadOrCreateAgentFile(h, { defaultRelayUrl: RELAY }).file).toEqual({ ...file, name: 'renamed', relay_url: 'ws://127.0.0.1:9999' });
  });

  it('names a corrupt agent.json in one clear error', () => {
    const h = home();
    loadOrCreateAgentFile(h, { defaultRelayUrl: RELAY });
    writeFileSync(join(h, 'agent.json'), '{"machine_id": 5');
    expect(() => loadOrCreateAgentFile(h, { defaultRelayUrl: RELAY })).toThrow(/agent\.json is corrupt/);
  });

  it('rename refuses a bad name and a home with no agent', () => {
    const h = home();
    expect(() => renameAgent(h, 'ok')).toThrow(UserError);
    loadOrCreateAgentFile(h, { defaultRelayUrl: RELAY });
    expect(() => renameAgent(h, '')).toThrow(/empty/);
    expect(() => renameAgent(h, 'x'.repeat(65))).toThrow(/at most 64/);
    expect(renameAgent(h, 'new').name).toBe('new');
  });

  it('makes a valid default name from any host name', () => {
    expect(defaultAgentName('mini.local')).toBe('mini.local');
    expect(defaultAgentName('bad\u0007\u001b[31mname')).toBe('bad[31mname');
    expect(defaultAgentName('')).toBe('mir-agent');
    expect(defaultAgentName('\u0000\u0001')).toBe('mir-agent');
    expect([...defaultAgentName('é'.repeat(100))]).toHaveLength(64);
    for (const h of ['a', ' spaced ', '\u009bx', 'x'.repeat(500)]) expect(nameProblem(defaultAgentName(h))).toBeNull();
  });
});
