import { describe, expect, it } from 'vitest';
import { loadSeen, MAX_SEEN, saveSeen, SEEN_KEY, type KeyValueStorage } from '../../web/seen.js';

const memoryStorage = (init: Record<string, string> = {}): KeyValueStorage & { data: Map<string, string> } => {
  const data = new Map(Object.entries(init));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
};

describe('seen set in localStorage', () => {
  it('round-trips machine_ids and stores nothing but them', () => {
    const s = memoryStorage();
    saveSeen(s, ['0123456789abcdef', 'fedcba9876543210']);
    expect(JSON.parse(s.data.get(SEEN_KEY)!)).toEqual(['0123456789abcdef', 'fedcba9876543210']);
    expect([...s.data.keys()]).toEqual([SEEN_KEY]);
    expect(loadSeen(s)).toEqual(new Set(['0123456789abcdef', 'fedcba9876543210']));
  });

  it.each(['not json', '{"a":1}', '42', 'null'])('reads a corrupt value %j as empty', (raw) => {
    expect(loadSeen(memoryStorage({ [SEEN_KEY]: raw })).size).toBe(0);
  });

  it('drops entries that are not machine_ids (a name, a wallet-like value, markup)', () => {
    const s = memoryStorage({ [SEEN_KEY]: JSON.stringify(['ok_id-1', 'has space', '<b>', 7, 'x'.repeat(65)]) });
    expect(loadSeen(s)).toEqual(new Set(['ok_id-1']));
  });

  it('keeps only the newest MAX_SEEN ids', () => {
    const s = memoryStorage();
    saveSeen(s, Array.from({ length: MAX_SEEN + 5 }, (_, i) => `id${i}`));
    const seen = loadSeen(s);
    expect(seen.size).toBe(MAX_SEEN);
    expect(seen.has('id0')).toBe(false);
    expect(seen.has(`id${MAX_SEEN + 4}`)).toBe(true);
  });

  it('survives storage that throws (disabled or full) without throwing', () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(loadSeen(broken).size).toBe(0);
    expect(() => saveSeen(broken, ['a'])).not.toThrow();
  });
});
