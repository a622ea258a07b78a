/**
 * The cursor, kept on a device rather than on a line (issue #6: rows come and go live without
 * the cursor jumping to another device). The selection remembers the machine_id and the line it
 * was on; when that device leaves the visible list the cursor rests on the same line instead.
 */
import { type DeviceRow } from '../client/view.js';

export interface Selection {
  readonly id: string | null;
  readonly index: number;
}

export const NO_SELECTION: Selection = { id: null, index: 0 };

/** Where the cursor is in `visible` now: on its device if still listed, else on its old line. */
export function cursorIndex(visible: readonly DeviceRow[], sel: Selection): number {
  if (visible.length === 0) return -1;
  if (sel.id !== null) {
    const at = visible.findIndex((d) => d.machine_id === sel.id);
    if (at >= 0) return at;
  }
  return Math.min(Math.max(sel.index, 0), visible.length - 1);
}

/** The selection on line `index` of `visible` (clamped; fzf does not wrap around). */
export function selectAt(visible: readonly DeviceRow[], index: number): Selection {
  if (visible.length === 0) return { id: null, index: 0 };
  const i = Math.min(Math.max(index, 0), visible.length - 1);
  return { id: visible[i]!.machine_id, index: i };
}

/** The first line of the list that shows the cursor, for a window of `height` lines. */
export function windowStart(cursor: number, total: number, height: number, previousStart: number): number {
  if (height <= 0 || total <= height) return 0;
  let start = Math.min(Math.max(previousStart, 0), total - height);
  if (cursor < start) start = cursor;
  else if (cursor >= start + height) start = cursor - height + 1;
  return start;
}
