/** The pure parts of the client: merge order and precedence, resolve, the browser store, wire parsing. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type OpenedEntry, OpenedRegistry, parseWatchMessage } from '../../client/entries.js';
import { mergeRows, type LocalEntry } from '../../client/merge.js';
import { closeNames, resolveName } from '../../client/resolve.js';
import { browserStore, type StorageLike } from '../../client/store.js';
import { sealDevice } from '../../crypto/registry.js';
import { newWallet } from '../../crypto/wallet.js';
import { record } from './helpers.js';

const opened = (id: string, name: string, stale = false): [string, OpenedEntry] => [id, { machine_id: id, record: { ...record(name, 100), host_pub: 'f'.repeat(64) }, stale }];
const local = (id: string, name: string): LocalEntry => ({ name, machine_id: id, host_pub: 'a'.repeat(64), signal_url: 'ws://l' });

describe('mergeRows', () => {
  it('puts local machines first in file order, then registry ones by name then machine_id', () => {
    const rows = mergeRows([local('z1', 'zed'), local('a1', 'abe')], new Map([opened('m2', 'mid'), opened('b9', 'bob'), opened('b1', 'bob')]));
    expect(rows.map((r) => `${r.source}:${r.name}:${r.machine_id}`)).toEqual(['local:zed:z1', 'local:abe:a1', 'registry:bob:b1', 'registry:bob:b9', 'registry:mid:m2']);
  });

  it('lets a local entry win by machine_id, online because the registry lists it', () => {
    const rows = mergeRows([local('x1', 'my name'), local('y1', 'away')], new Map([opened('x1', 'their name', true)]));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ name: 'my name', source: 'local', online: true, stale: false, host_pub: 'a'.repeat(64) });
    expect(rows[1]).toMatchObject({ name: 'away', online: false });
  });

  it('keeps the first of two hand-written entries with the same machine_id', () => {
    expect(mergeRows([local('d1', 'first'), local('d1', 'second')], new Map()).map((r) => r.name)).toEqual(['first']);
  });
});

describe('OpenedRegistry', () => {
  it('forgets a machine whose slot now holds a blob that does not open, and counts it', () => {
    const w = newWallet();
    const reg = new OpenedRegistry(w.registryKey, new Map());
    reg.apply({ kind: 'replace', entries: [{ machine_id: 'm1', blob: sealDevice(w.registryKey, record('one', 5), 'm1') }] });
    expect(reg.opened.size).toBe(1);
    reg.apply({ kind: 'upsert', entry: { machine_id: 'm1', blob: sealDevice(newWallet().registryKey, record('evil', 6), 'm1') } });
    expect(reg.opened.size).toBe(0);
    expect(reg.droppedCount).toBe(1);
    reg.apply({ kind: 'remove', machine_id: 'm1' });
    expect(reg.droppedCount).toBe(0);
  });
});

describe('parseWatchMessage', () => {
  it('reads snapshot, upsert and remove, and ignores anything else', () => {
    expect(parseWatchMessage('{"type":"snapshot","entries":[{"machine_id":"a","blob":"b"}]}')).toEqual({ kind: 'replace', entries: [{ machine_id: 'a', blob: 'b' }] });
    expect(parseWatchMessage('{"type":"upsert","entry":{"machine_id":"a","blob":"b"}}')).toEqual({ kind: 'upsert', entry: { machine_id: 'a', blob: 'b' } });
    expect(parseWatchMessage('{"type":"remove","machine_id":"a"}')).toEqual({ kind: 'remove', machine_id: 'a' });
    for (const junk of ['nope', '[]', '{"type":"hello"}', '{"type":"upsert","entry":5}', '{"type":"snapshot","entries":{}}']) expect(parseWatchMessage(junk)).toBeNull();
  });
});

describe('resolveName', () => {
  const rows = mergeRows([local('l1', 'box')], new Map([opened('r1', 'box'), opened('r2', 'twin'), opened('r3', 'twin')]));
  it('prefers the local machine of that name', () => {
    expect(resolveName(rows, 'box')).toMatchObject({ kind: 'found', row: { machine_id: 'l1' } });
  });
  it('reports two machines of one name as ambiguous, and lets machine_id pick', () => {
    const r = resolveName(rows, 'twin');
    expect(r.kind === 'ambiguous' && r.rows.map((x) => x.machine_id)).toEqual(['r2', 'r3']);
    expect(resolveName(rows, 'twin', 'r3')).toMatchObject({ kind: 'found', row: { machine_id: 'r3' } });
  });
  it('gives close names for an unknown one', () => {
    expect(resolveName(rows, 'twim')).toEqual({ kind: 'unknown', close: ['twin'] });
    expect(closeNames(['studio-mac', 'laptop', 'Studio'], 'studio')).toEqual(['Studio', 'studio-mac']);
  });
});

describe('browserStore', () => {
  it('keeps only machine_ids in storage and survives a corrupt entry', () => {
    const data = new Map<string, string>();
    const storage: StorageLike = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
    const s = browserStore(storage);
    s.saveSeen(new Map([['m1', 1700000000]]));
    expect(data.get('mir.seen.v1')).toBe('["m1"]');
    expect([...s.loadSeen()]).toEqual([['m1', 0]]);
    data.set('mir.seen.v1', '{oops');
    expect(s.loadSeen().size).toBe(0);
  });
});

describe('client core', () => {
  it('is browser-safe: no node: imports, no ws, no process outside client/node*.ts', () => {
    const core = readdirSync('client').filter((f) => f.endsWith('.ts') && !f.startsWith('node'));
    expect(core).toContain('discovery.ts');
    for (const f of core) {
      const src = readFileSync(`client/${f}`, 'utf8');
      expect(src, f).not.toMatch(/from '(node:[^']+|ws)'/);
      expect(src, f).not.toMatch(/\bprocess\./);
      expect(src, f).not.toMatch(/from '\.\.\/(home|common)\//);
    }
  });
});
