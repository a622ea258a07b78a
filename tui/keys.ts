/**
 * Key handling the fzf way (issue #6), as a pure reducer so it is tested without a terminal:
 * printable characters edit the filter, Backspace deletes, ↑/↓ and Ctrl-P/Ctrl-N move, Enter
 * picks, Esc clears a non-empty filter and quits on an empty one, Ctrl-C quits, `?` on an
 * empty filter toggles the help.
 */
import { type Key } from 'ink';
import { type DeviceRow } from '../client/view.js';
import { filterDevices } from './filter.js';
import { cursorIndex, selectAt, type Selection } from './selection.js';

export interface UiState {
  readonly filter: string;
  readonly selection: Selection;
  readonly help: boolean;
}

export type KeyOutcome =
  | { readonly kind: 'state'; readonly state: UiState }
  | { readonly kind: 'pick'; readonly device: DeviceRow }
  | { readonly kind: 'quit' };

export const INITIAL_UI: UiState = { filter: '', selection: { id: null, index: 0 }, help: false };

/** Keys a terminal sends that are not text, whatever the flags say. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

/**
 * Ink hands a run of bytes that arrived together (a paste, fast typing, tmux send-keys) to one
 * input call: "ban\r" or "\x7f\x7f". Split such a run into the key presses it is, one code point
 * each, so Enter after typed text still picks and repeated Backspaces each delete.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
  const flagged = Object.entries(key).some(([k, v]) => v === true && k !== 'shift');
  if (flagged || [...input].length <= 1) return [[input, key]];
  return [...input].map((ch): [string, Key] => {
    if (ch === '\r' || ch === '\n') return ['', { ...NO_KEY, return: true }];
    if (ch === '\x7f' || ch === '\b') return ['', { ...NO_KEY, backspace: true }];
    if (ch === '\x0e') return ['n', { ...NO_KEY, ctrl: true }];
    if (ch === '\x10') return ['p', { ...NO_KEY, ctrl: true }];
    if (ch === '\x15') return ['u', { ...NO_KEY, ctrl: true }];
    if (ch === '\x03') return ['c', { ...NO_KEY, ctrl: true }];
    return [ch, NO_KEY];
  });
}

/** What one key press does to the UI, given the devices the client lists now. */
export function reduceKey(ui: UiState, devices: readonly DeviceRow[], input: string, key: Key): KeyOutcome {
  const visible = filterDevices(devices, ui.filter);
  const cursor = cursorIndex(visible, ui.selection);
  const withFilter = (filter: string): KeyOutcome => ({
    kind: 'state',
    // A changed filter puts the cursor on the best match, so "type, Enter" picks it (fzf).
    state: { filter, help: false, selection: selectAt(filterDevices(devices, filter), 0) },
  });
  const move = (delta: number): KeyOutcome => ({ kind: 'state', state: { ...ui, help: false, selection: selectAt(visible, cursor + delta) } });

  if (key.ctrl && input === 'c') return { kind: 'quit' };
  if (key.return) {
    // Enter on the help screen closes it; picking a device you cannot see would surprise.
    if (ui.help) return { kind: 'state', state: { ...ui, help: false } };
    const device = cursor >= 0 ? visible[cursor] : undefined;
    return device ? { kind: 'pick', device } : { kind: 'state', state: ui };
  }
  if (key.escape) {
    if (ui.filter !== '') return withFilter('');
    if (ui.help) return { kind: 'state', state: { ...ui, help: false } };
    return { kind: 'quit' };
  }
  if (key.upArrow || (key.ctrl && input === 'p')) return move(-1);
  if (key.downArrow || (key.ctrl && input === 'n')) return move(+1);
  if (key.pageUp) return move(-10);
  if (key.pageDown) return move(+10);
  // Ink reports DEL (0x7f, what most terminals send for Backspace) as `delete`.
  if (key.backspace || key.delete) return ui.filter === '' ? { kind: 'state', state: ui } : withFilter([...ui.filter].slice(0, -1).join(''));
  if (key.ctrl && input === 'u') return withFilter('');
  if (key.ctrl || key.meta || key.tab) return { kind: 'state', state: ui };
  if (input === '?' && ui.filter === '') return { kind: 'state', state: { ...ui, help: !ui.help } };
  const text = input.replace(CONTROL, '');
  if (text === '') return { kind: 'state', state: ui };
  return withFilter(ui.filter + text);
}
