import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Shell, type TuiResult } from '../../tui/shell.js';
import { ENTER, device, fakeSource, tick, until, view } from './fixtures.js';

afterEach(() => cleanup());

describe('the TUI wired to a discovery client', () => {
  it('shows a device as soon as the client lists it, and drops it when it leaves', async () => {
    const source = fakeSource(view([device('alpha', 1)], { kind: 'connecting' }));
    const r = render(<Shell source={source} color={false} onDone={() => {}} />);
    await tick();
    expect(r.lastFrame()).toContain('connecting…');
    source.set(view([device('alpha', 1), device('bravo', 2, { isNew: true })]));
    expect(await until(() => (r.lastFrame() ?? '').includes('bravo'))).toBe(true);
    expect(r.lastFrame()).toContain('● live');
    expect(r.lastFrame()).toMatch(/bravo.*new/);
    source.set(view([device('alpha', 1)]));
    expect(await until(() => !(r.lastFrame() ?? '').includes('bravo'))).toBe(true);
  });

  it('shows the new-device notice as a banner for a few seconds, then clears it', async () => {
    const source = fakeSource(view([device('alpha', 1)]));
    const r = render(<Shell source={source} color={false} onDone={() => {}} bannerMs={300} />);
    await tick();
    expect(r.lastFrame()).not.toContain('📣');
    source.notify({ machine_id: device('bravo', 2).machine_id, name: 'bravo' });
    expect(await until(() => (r.lastFrame() ?? '').includes('📣 new device "bravo" joined your wallet'))).toBe(true);
    expect(await until(() => !(r.lastFrame() ?? '').includes('📣'), 2_000)).toBe(true);
  });

  it('counts a reconnect down in the header', async () => {
    const source = fakeSource(view([device('alpha', 1)], { kind: 'reconnecting', inSeconds: 3 }));
    const r = render(<Shell source={source} color={false} onDone={() => {}} />);
    await tick();
    expect(r.lastFrame()).toContain('reconnecting in 3s');
    expect(await until(() => (r.lastFrame() ?? '').includes('reconnecting in 2s'), 2_500)).toBe(true);
  });

  it('reports the pick and blanks the screen so no UI is left behind', async () => {
    const source = fakeSource(view([device('alpha', 1), device('bravo', 2)]));
    const onDone = vi.fn<(r: TuiResult) => void>();
    const r = render(<Shell source={source} color={false} onDone={onDone} />);
    await tick();
    r.stdin.write('bra');
    await tick();
    r.stdin.write(ENTER);
    expect(await until(() => onDone.mock.calls.length === 1)).toBe(true);
    expect(onDone.mock.calls[0]![0]).toEqual({ kind: 'pick', device: device('bravo', 2) });
    expect((r.lastFrame() ?? '').trim()).toBe('');
  });
});
