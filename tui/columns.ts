/**
 * Column widths for a terminal `width` wide (issue #6: 80×24 and narrow terminals truncate,
 * never wrap). The name takes what is left; the fingerprint, then the source, then the id are
 * dropped when the name would get too thin.
 */
export interface Columns {
  readonly mark: number;
  readonly dot: number;
  readonly name: number;
  readonly id: number;
  readonly fingerprint: number;
  readonly source: number;
  readonly flags: number;
}

const MIN_NAME = 12;

export function columnsFor(width: number): Columns {
  const w = Math.max(1, width);
  const cols = { mark: 2, dot: 2, name: 0, id: 9, fingerprint: 20, source: 9, flags: w >= 60 ? 10 : 6 };
  const rest = () => w - cols.mark - cols.dot - cols.id - cols.fingerprint - cols.source - cols.flags;
  if (rest() < MIN_NAME) cols.fingerprint = 0;
  if (rest() < MIN_NAME) cols.source = 0;
  if (rest() < MIN_NAME) cols.id = 0;
  if (rest() < MIN_NAME) cols.flags = 0;
  cols.name = Math.max(1, rest());
  return cols;
}

/**
 * An ASCII field in a cell `width` wide: cut with … and padded, leaving one space before the
 * next cell. Only for fields that are ASCII by construction (ids, hex, source words); names,
 * which may hold wide characters, are truncated by Ink instead.
 */
export function fitAscii(text: string, width: number): string {
  if (width <= 0) return '';
  const room = width > 2 ? width - 1 : width;
  const cut = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text;
  return cut.padEnd(width);
}
