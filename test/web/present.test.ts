import { describe, expect, it } from 'vitest';
import { type DeviceRow } from '../../client/view.js';
import { countText, noticeLine, passkeyBlocker, relayUrlFor, sortedRows, statusText } from '../../web/present.js';

const row = (over: Partial<DeviceRow>): DeviceRow => ({
  name: 'mini',
  machine_id: '0123456789abcdef',
  host_pub: 'ab'.repeat(32),
  signal_url: 'ws://127.0.0.1:8787',
  source: 'registry',
  online: true,
  isNew: false,
  stale: false,
  ...over,
});

describe('what the list shows', () => {
  it('shows name, an 8-char machine_id, the host key fingerprint and the online state', () => {
    const [r] = sortedRows([row({ host_pub: '0011223344556677' + 'f'.repeat(48) })]);
    expect(r).toMatchObject({ name: 'mini', shortId: '01234567', fingerprint: '0011:2233:4455:6677', stateText: 'online' });
  });

  it('lists two machines with the same name both, told apart by machine_id', () => {
    const rows = sortedRows([row({ machine_id: 'bbbbbbbbbbbbbbbb' }), row({ machine_id: 'aaaaaaaaaaaaaaaa' })]);
    expect(rows.map((r) => r.shortId)).toEqual(['aaaaaaaa', 'bbbbbbbb']);
  });

  it('puts online machines first, then orders by name', () => {
    const rows = sortedRows([
      row({ name: 'zed', machine_id: '1' }),
      row({ name: 'old', machine_id: '2', online: false, source: 'local' }),
      row({ name: 'amy', machine_id: '3' }),
    ]);
    expect(rows.map((r) => `${r.name}:${r.state}`)).toEqual(['amy:online', 'zed:online', 'old:offline']);
  });

  it('counts machines and online ones for the caption', () => {
    expect(countText(sortedRows([]))).toBe('No machines yet');
    expect(countText(sortedRows([row({}), row({ machine_id: 'x', online: false })]))).toBe('2 machines, 1 online');
  });
});

describe('the connection line', () => {
  it('tells people plainly when the relay is unreachable and when it tries again', () => {
    expect(statusText({ kind: 'reconnecting', inSeconds: 2.2 }, '127.0.0.1:9')).toEqual({
      line: 'Cannot reach the relay at 127.0.0.1:9. Trying again in 3 s.',
      unreachable: true,
    });
    expect(statusText({ kind: 'offline' }, 'r').unreachable).toBe(true);
  });

  it('says live when the watch socket is open and polling when it is not', () => {
    expect(statusText({ kind: 'live' }, 'r')).toEqual({ line: 'Live: changes appear as they happen.', unreachable: false });
    expect(statusText({ kind: 'polling', everySeconds: 5 }, 'r').line).toContain('every 5 s');
  });

  it('derives the relay URL from the page origin (ws for http, wss for https)', () => {
    expect(relayUrlFor({ protocol: 'http:', host: '127.0.0.1:8787' })).toBe('ws://127.0.0.1:8787');
    expect(relayUrlFor({ protocol: 'https:', host: 'mir.example' })).toBe('wss://mir.example');
  });
});

describe('while the relay is unreachable', () => {
  it('keeps the last list but marks online machines "last seen online"', () => {
    const rows = sortedRows([row({})], false);
    expect(rows[0]).toMatchObject({ state: 'unknown', stateText: 'last seen online' });
    expect(countText(rows)).toBe('1 machine, as last seen');
  });
});

describe('the notice line', () => {
  it('is the client sentence without the leading emoji', () => {
    expect(noticeLine('📣 new device "mini" joined your wallet')).toBe('new device "mini" joined your wallet');
    expect(noticeLine('new device "📣" joined your wallet')).toBe('new device "📣" joined your wallet');
  });
});

describe('passkeys and the page address', () => {
  const at = (hostname: string, port = '8787') => ({ protocol: 'http:', hostname, port, pathname: '/' });

  it('allows passkeys on localhost and on a domain name', () => {
    expect(passkeyBlocker(at('localhost'))).toBeNull();
    expect(passkeyBlocker({ ...at('mir.example', ''), protocol: 'https:' })).toBeNull();
  });

  it('points a loopback IP page at the same page under localhost', () => {
    expect(passkeyBlocker(at('127.0.0.1'))?.url).toBe('http://localhost:8787/');
    expect(passkeyBlocker(at('[::1]'))?.url).toBe('http://localhost:8787/');
  });

  it('explains that a non-loopback IP address cannot hold a passkey', () => {
    const b = passkeyBlocker(at('192.168.1.5'));
    expect(b?.url).toBeUndefined();
    expect(b?.message).toContain('not an IP address');
  });
});
