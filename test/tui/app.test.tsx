import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { type ConnectionState, type DeviceRow, type DiscoveryView } from '../../client/view.js';
import { App } from '../../tui/app.js';
import { textWidth } from '../../tui/width.js';
import { BACKSPACE, DOWN, ENTER, ESC, UP, device, tick, view } from './fixtures.js';

afterEach(() => cleanup());

const fleet = [device('alpha', 1), device('bravo', 2), device('charlie', 3), device('delta', 4)];

function draw(v: DiscoveryView, size = { width: 80, height: 24 }) {
  const onPick = vi.fn<(d: DeviceRow) => void>();
  const onQuit = vi.fn<() => void>();
  const el = (next: DiscoveryView) => <App view={next} notice={null} width={size.width} height={size.height} color={false} onPick={onPick} onQuit={onQuit} />;
  const r = render(el(v));
  return { ...r, onPick, onQuit, update: (next: DiscoveryView) => r.rerender(el(next)), frame: () => r.lastFrame() ?? '' };
}

/** The name on the row that carries the `>` cursor. */
const cursorRow = (frame: string): string | undefined => frame.split('\n').find((l) => l.startsWith('> ●') || l.startsWith('> ○'))?.slice(4).trim().split(/\s+/)[0];

describe('the header', () => {
  it.each<[ConnectionState, string]>([
    [{ kind: 'connecting' }, 'connecting…'],
    [{ kind: 'live' }, '● live'],
    [{ kind: 'reconnecting', inSeconds: 7 }, 'reconnecting in 7s'],
    [{ kind: 'polling', everySeconds: 5 }, 'offline — polling every 5s'],
    [{ kind: 'offline' }, 'offline — local machines only'],
  ])('shows the %j connection as "%s" with the shortened wallet', async (connection, text) => {
    const r = draw(view(fleet, connection));
    await tick();
    const header = r.frame().split('\n')[0]!;
    expect(header).toContain(text);
    expect(header).toContain('7xKXtg…sgAsU');
    expect(header).toContain('4 devices');
  });
});

describe('the list, when the relay is unreachable', () => {
  it('draws every dot hollow (online is only what the relay said last) and says so when empty', async () => {
    const r = draw(view(fleet, { kind: 'reconnecting', inSeconds: 3 }));
    await tick();
    const rows = r.frame().split('\n').filter((l) => /alpha|bravo|charlie|delta/.test(l));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/^[> ] ○ /);
    r.update(view(fleet, { kind: 'live' }));
    await tick();
    expect(r.frame()).toMatch(/^> ● alpha/m);
    const empty = draw(view([], { kind: 'offline' }));
    await tick();
    expect(empty.frame()).toContain('cannot reach the relay yet');
  });
});

describe('the header, when the relay is unreachable', () => {
  it('says why next to the countdown', async () => {
    const r = draw({ ...view(fleet, { kind: 'reconnecting', inSeconds: 2 }), problem: 'ECONNREFUSED' });
    await tick();
    expect(r.frame().split('\n')[0]).toContain('reconnecting in 2s (ECONNREFUSED)');
  });
});

describe('the device list', () => {
  it('lists name, short id, host key fingerprint, source, online dot and the new/stale flags', async () => {
    const r = draw(view([device('alpha', 1), device('bravo', 2, { online: false, source: 'local', isNew: true, stale: true })]));
    await tick();
    const lines = r.frame().split('\n');
    const alpha = lines.find((l) => l.includes('alpha'))!;
    const bravo = lines.find((l) => l.includes('bravo'))!;
    expect(alpha).toMatch(/^> ● alpha\s+00010001 0001:ab00:01ab:0001 registry\s*$/);
    expect(bravo).toMatch(/^ {2}○ bravo\s+00020002 0002:ab00:02ab:0002 local\s+stale new\s*$/);
  });

  it('says it is waiting when no device is listed yet', async () => {
    const r = draw(view([], { kind: 'connecting' }));
    await tick();
    expect(r.frame()).toContain('no devices yet');
  });
});

describe('keys', () => {
  it('filters by name as you type, substring matches first, then fuzzy ones', async () => {
    const r = draw(view([device('dev-box', 1), device('laptop', 2), device('db-prod', 3)]));
    await tick();
    r.stdin.write('d');
    await tick();
    r.stdin.write('b');
    await tick();
    const f = r.frame();
    expect(f.split('\n')[1]).toMatch(/^> db▏\s+2\/3$/);
    expect(f).not.toContain('laptop');
    // db-prod holds "db" as a substring; dev-box only as a scattered match, so it comes second.
    expect(f.indexOf('db-prod')).toBeLessThan(f.indexOf('dev-box'));
    expect(cursorRow(f)).toBe('db-prod');
  });

  it('edits the filter with Backspace, clears it with Esc, and only quits on Esc with an empty filter', async () => {
    const r = draw(view(fleet));
    await tick();
    r.stdin.write('ch');
    await tick();
    expect(r.frame()).not.toContain('alpha');
    r.stdin.write(BACKSPACE);
    await tick();
    expect(r.frame().split('\n')[1]).toMatch(/^> c▏/);
    r.stdin.write(ESC);
    await tick(80);
    expect(r.frame().split('\n')[1]).toMatch(/^> ▏\s+4\/4$/);
    expect(r.onQuit).not.toHaveBeenCalled();
    r.stdin.write(ESC);
    await tick(80);
    expect(r.onQuit).toHaveBeenCalledTimes(1);
    expect(r.onPick).not.toHaveBeenCalled();
  });

  it('quits on Ctrl-C', async () => {
    const r = draw(view(fleet));
    await tick();
    r.stdin.write('\u0003');
    await tick();
    expect(r.onQuit).toHaveBeenCalledTimes(1);
  });

  it('moves with ↓ ↑ Ctrl-N Ctrl-P, stops at the ends, and Enter picks the highlighted device', async () => {
    const r = draw(view(fleet));
    await tick();
    expect(cursorRow(r.frame())).toBe('alpha');
    r.stdin.write(UP);
    await tick();
    expect(cursorRow(r.frame())).toBe('alpha');
    r.stdin.write(DOWN);
    await tick();
    r.stdin.write('\u000e'); // Ctrl-N
    await tick();
    expect(cursorRow(r.frame())).toBe('charlie');
    r.stdin.write('\u0010'); // Ctrl-P
    await tick();
    expect(cursorRow(r.frame())).toBe('bravo');
    r.stdin.write(ENTER);
    await tick();
    expect(r.onPick).toHaveBeenCalledTimes(1);
    expect(r.onPick.mock.calls[0]![0].machine_id).toBe(fleet[1]!.machine_id);
  });

  it('picks the best match after "type, Enter", and Enter on an empty match does nothing', async () => {
    const r = draw(view(fleet));
    await tick();
    r.stdin.write('elt');
    await tick();
    r.stdin.write(ENTER);
    await tick();
    expect(r.onPick.mock.calls[0]![0].name).toBe('delta');
    const r2 = draw(view(fleet));
    await tick();
    r2.stdin.write('zzz');
    await tick();
    r2.stdin.write(ENTER);
    await tick();
    expect(r2.onPick).not.toHaveBeenCalled();
    expect(r2.frame()).toContain('no device matches');
  });

  it('toggles the help with ? on an empty filter, and types ? into a non-empty one', async () => {
    const r = draw(view(fleet));
    await tick();
    r.stdin.write('?');
    await tick();
    expect(r.frame()).toContain('show or hide this help');
    expect(r.frame()).not.toContain('alpha');
    r.stdin.write('?');
    await tick();
    expect(r.frame()).toContain('alpha');
    r.stdin.write('a?');
    await tick();
    expect(r.frame().split('\n')[1]).toMatch(/^> a\?▏/);
  });
});

describe('live changes', () => {
  it('keeps the cursor on its device when devices join and leave above it', async () => {
    const r = draw(view(fleet));
    await tick();
    r.stdin.write(DOWN);
    await tick();
    r.stdin.write(DOWN);
    await tick();
    expect(cursorRow(r.frame())).toBe('charlie');
    r.update(view([device('aardvark', 9), ...fleet]));
    await tick();
    expect(cursorRow(r.frame())).toBe('charlie');
    r.update(view(fleet.filter((d) => d.name !== 'alpha' && d.name !== 'bravo')));
    await tick();
    expect(cursorRow(r.frame())).toBe('charlie');
    r.stdin.write(ENTER);
    await tick();
    expect(r.onPick.mock.calls[0]![0].name).toBe('charlie');
  });

  it('keeps the cursor on the first device when one joins above it before any key was pressed', async () => {
    const r = draw(view(fleet));
    await tick();
    expect(cursorRow(r.frame())).toBe('alpha');
    r.update(view([device('aardvark', 9), ...fleet]));
    await tick();
    expect(cursorRow(r.frame())).toBe('alpha');
    r.stdin.write(ENTER);
    await tick();
    expect(r.onPick.mock.calls[0]![0].name).toBe('alpha');
  });

  it('handles keys that arrive in one burst (a paste, fast typing): "type, Enter" picks, each Backspace deletes', async () => {
    const r = draw(view(fleet));
    await tick();
    r.stdin.write('charxy');
    await tick();
    r.stdin.write(`${BACKSPACE}${BACKSPACE}`);
    await tick();
    expect(r.frame().split('\n')[1]).toMatch(/^> char▏/);
    r.stdin.write('\x0e\x10\r'); // Ctrl-N, Ctrl-P, Enter together
    await tick();
    expect(r.onPick).toHaveBeenCalledTimes(1);
    expect(r.onPick.mock.calls[0]![0].name).toBe('charlie');
  });

  it('closes the help on Enter instead of picking a device it hides', async () => {
    const r = draw(view(fleet));
    await tick();
    r.stdin.write('?');
    await tick();
    r.stdin.write(ENTER);
    await tick();
    expect(r.onPick).not.toHaveBeenCalled();
    expect(cursorRow(r.frame())).toBe('alpha');
  });

  it('leaves the cursor on the same line when its own device leaves', async () => {
    const r = draw(view(fleet));
    await tick();
    r.stdin.write(DOWN);
    await tick();
    expect(cursorRow(r.frame())).toBe('bravo');
    r.update(view(fleet.filter((d) => d.name !== 'bravo')));
    await tick();
    expect(cursorRow(r.frame())).toBe('charlie');
    expect(r.frame()).not.toContain('bravo');
  });

  it('scrolls a long list to keep the cursor on screen in 24 lines', async () => {
    const many = Array.from({ length: 500 }, (_, i) => device(`host-${String(i).padStart(3, '0')}`, i + 1));
    const r = draw(view(many));
    await tick();
    expect(r.frame().split('\n')).toHaveLength(23);
    for (let i = 0; i < 30; i++) r.stdin.write(DOWN);
    await tick(100);
    expect(cursorRow(r.frame())).toBe('host-030');
    expect(r.frame().split('\n')).toHaveLength(23);
    expect(r.frame().split('\n')[1]).toContain('500/500');
  });
});

describe('narrow terminals', () => {
  it.each([80, 50, 32, 20])('never wraps at %i columns: every line fits and long names are cut with …', async (width) => {
    const long = device('a-machine-with-a-really-long-display-name-x', 7, { isNew: true });
    const r = draw(view([long, ...fleet], { kind: 'reconnecting', inSeconds: 12 }), { width, height: 24 });
    await tick();
    const lines = r.frame().split('\n');
    expect(lines).toHaveLength(23);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);
    expect(r.frame()).toContain('…');
    expect(r.frame()).not.toContain('display-name-x');
    // The connection state is what changes: it keeps its place even when narrow.
    if (width >= 32) expect(lines[0]).toContain('reconnecting in 12s');
  });
});

describe('wide characters', () => {
  it('cuts a name with double-width characters to its column, keeping the next column in place', async () => {
    const r = draw(view([device('łódź-ünïcode-宽字符-machine', 1), device('plain', 2)]), { width: 44, height: 12 });
    await tick();
    const lines = r.frame().split('\n');
    const wide = lines.find((l) => l.includes('łódź'))!;
    const plain = lines.find((l) => l.includes('plain'))!;
    expect(wide).toContain('…');
    // The short id starts in the same column on both rows (display columns: 宽 counts 2).
    const col = (line: string, id: string) => textWidth(line.slice(0, line.indexOf(id)));
    expect(col(wide, '00010001')).toBe(col(plain, '00020002'));
    // …and the name leaves the one blank column before it (Ink alone overwrote it with the cut).
    expect(wide).toMatch(/… +00010001/);
  });
});
