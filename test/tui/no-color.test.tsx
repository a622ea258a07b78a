import { afterAll, afterEach, expect, it, vi } from 'vitest';

// Chalk decides its colour level when it is first imported: force colour on for this file only,
// so that "no escape codes" below means NO_COLOR did it, not a pipe.
const saved = vi.hoisted(() => {
  const old = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '1';
  return old;
});
afterAll(() => {
  if (saved === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = saved;
});

const { cleanup, render } = await import('ink-testing-library');
const { App } = await import('../../tui/app.js');
const { colorWanted } = await import('../../tui/format.js');
const { device, tick, view } = await import('./fixtures.js');

afterEach(() => cleanup());

const ESCAPE = '\u001b[';

function frame(color: boolean) {
  const v = view([device('alpha', 1), device('bravo', 2, { isNew: true, stale: true, online: false })], { kind: 'polling', everySeconds: 5 });
  return render(<App view={v} notice={{ machine_id: 'x', name: 'bravo' }} width={80} height={24} color={color} onPick={() => {}} onQuit={() => {}} />);
}

it('reads NO_COLOR the no-color.org way: set and not empty turns colour off', () => {
  expect(colorWanted({})).toBe(true);
  expect(colorWanted({ NO_COLOR: '' })).toBe(true);
  expect(colorWanted({ NO_COLOR: '1' })).toBe(false);
});

it('draws in colour normally and with no escape code at all under NO_COLOR, keeping every mark', async () => {
  const coloured = frame(true);
  await tick();
  expect(coloured.lastFrame()).toContain(ESCAPE);
  cleanup();
  const plain = frame(false);
  await tick();
  const text = plain.lastFrame() ?? '';
  expect(text).not.toContain(ESCAPE);
  for (const mark of ['> ●', '○', 'stale new', 'polling every 5s', '📣 new device "bravo"']) expect(text).toContain(mark);
});
