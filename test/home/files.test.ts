// The home folder files (SPEC §5): atomic writes, modes, and corrupt files that name themselves.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { pinOwner, readAgentFile, readMachinesFile, readOwnersFile, readSeenFile, writeSeenFile } from '../../home/files.js';
import { createFileAtomic, ensureHome, resolveHome, writeFileAtomic } from '../../home/home.js';

let dir: string;
beforeEach(() => {
  dir = ensureHome(join(mkdtempSync(join(tmpdir(), 'mir-home-')), 'home'));
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

describe('home folder', () => {
  it('resolves --home, then $MIR_HOME, then $XDG_CONFIG_HOME/mir', () => {
    const env = { ...process.env };
    try {
      process.env.MIR_HOME = '/tmp/a';
      expect(resolveHome('/tmp/flag')).toBe('/tmp/flag');
      expect(resolveHome(undefined)).toBe('/tmp/a');
      delete process.env.MIR_HOME;
      process.env.XDG_CONFIG_HOME = '/tmp/x';
      expect(resolveHome(undefined)).toBe('/tmp/x/mir');
    } finally {
      process.env = env;
    }
  });

  it('writes atomically with the exact mode and leaves no temp file', () => {
    const p = join(dir, 'f.json');
    writeFileSync(p, 'old');
    writeFileAtomic(p, 'new', 0o600);
    expect(readFileSync(p, 'utf8')).toBe('new');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['f.json']);
  });

  it('a failed write keeps the old file whole and removes its temp file', () => {
    const p = join(dir, 'sub');
    // Renaming a file over a non-empty folder fails after the temp file was written.
    ensureHome(join(p, 'inner'));
    expect(() => writeFileAtomic(p, 'x', 0o600)).toThrow(UserError);
    expect(readdirSync(dir)).toEqual(['sub']);
  });

  it('creates a file exclusively: a second create leaves the first untouched and no temp file', () => {
    const p = join(dir, 'wallet.json');
    expect(createFileAtomic(p, 'first', 0o600)).toBe(true);
    expect(createFileAtomic(p, 'second', 0o600)).toBe(false);
    expect(readFileSync(p, 'utf8')).toBe('first');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['wallet.json']);
  });

  it('missing files read as empty defaults', () => {
    expect(readOwnersFile(dir)).toEqual({ owners: [] });
    expect(readMachinesFile(dir)).toEqual({ machines: [] });
    expect(readSeenFile(dir)).toEqual({ seen: {} });
    expect(readAgentFile(dir)).toBeUndefined();
  });

  it.each([
    ['owners.json', '{"owners":["not an address!"]}', /owners\.json is corrupt: "owners" must hold wallet addresses/],
    ['machines.json', '{"machines":[{"name":"","machine_id":"a","host_pub":"x","signal_url":""}]}', /machines\.json is corrupt: machines\[0\]\.name: a name must not be empty/],
    ['seen.json', '[]', /seen\.json is corrupt/],
    ['agent.json', '{"machine_id":"a b"}', /agent\.json is corrupt: "machine_id"/],
    ['agent.json', JSON.stringify({ machine_id: 'abc', name: 'n', host_private: 'a'.repeat(64), host_pub: 'b'.repeat(64), registration_secret: 'c'.repeat(64), relay_url: 'ws://[bad' }), /agent\.json is corrupt: "relay_url" must be a ws:\/\/ or wss:\/\/ URL/],
    ['seen.json', '{"seen":', /seen\.json is corrupt: not valid JSON/],
  ])('%s with bad content is a UserError naming the file', (file, text, message) => {
    writeFileSync(join(dir, file), text);
    const read = { 'owners.json': readOwnersFile, 'machines.json': readMachinesFile, 'seen.json': readSeenFile, 'agent.json': readAgentFile }[file]!;
    expect(() => read(dir)).toThrow(UserError);
    expect(() => read(dir)).toThrow(message);
  });

  it('pins an owner once (idempotent) and round-trips seen.json', () => {
    const a = '5Pobwp6d9ihN9Nz38f87gVCEBFMgipFiSM2VtUhVit6w';
    expect(pinOwner(dir, a)).toBe(true);
    expect(pinOwner(dir, a)).toBe(false);
    expect(readOwnersFile(dir)).toEqual({ owners: [a] });
    writeSeenFile(dir, { seen: { abc: 5 } });
    expect(readSeenFile(dir)).toEqual({ seen: { abc: 5 } });
  });
});
