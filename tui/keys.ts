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
