/** The device rows in a window that follows the cursor; every cell truncates on its own. */
import { useRef, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { type DeviceRow } from '../../client/view.js';
import { hostFingerprint } from '../../crypto/host.js';
import { columnsFor, fitAscii, type Columns } from '../columns.js';
import { shortId } from '../format.js';
import { windowStart } from '../selection.js';
import { Line, Span } from '../theme.js';
import { fitText } from '../width.js';

export interface DeviceListProps {
  readonly devices: readonly DeviceRow[];
  /** Index in `devices` of the cursor, -1 when nothing is listed. */
  readonly cursor: number;
  readonly width: number;
  /** Lines available for rows (the column titles take one more). */
  readonly height: number;
  /** Why the list is empty, when it is. */
  readonly emptyText: string;
  /**
   * The relay is answering now (live or polling). While it is not, "online" is only what it said
   * last, so the dots are drawn hollow: the same "last seen online" the web page shows.
   */
  readonly current?: boolean;
}

function Cell({ width, tone, bold, children }: { width: number; tone?: 'good' | 'warn' | 'bad' | 'dim' | 'accent'; bold?: boolean; children: string }): ReactNode {
  if (width <= 0) return null;
  return (
    <Box width={width} flexShrink={0} paddingRight={width > 2 ? 1 : 0}>
      <Line tone={tone} bold={bold}>
        {children}
      </Line>
    </Box>
  );
}

function Titles({ cols, width }: { cols: Columns; width: number }): ReactNode {
  return (
    <Box width={width} flexDirection="row">
      <Cell width={cols.mark + cols.dot} tone="dim">
        {' '}
      </Cell>
      <Cell width={cols.name} tone="dim">
        NAME
      </Cell>
      <Cell width={cols.id} tone="dim">
        ID
      </Cell>
      <Cell width={cols.fingerprint} tone="dim">
        HOST KEY
      </Cell>
      <Cell width={cols.source} tone="dim">
        SOURCE
      </Cell>
      <Cell width={cols.flags} tone="dim">
        {' '}
      </Cell>
    </Box>
  );
}

/**
 * One device: three layout nodes (marks, name, the ASCII fields) rather than one per column,
 * since Ink's cost per frame grows with nodes and styled runs (bench/tui.ts).
 */
function Row({ device, selected, cols, width, current }: { device: DeviceRow; selected: boolean; cols: Columns; width: number; current: boolean }): ReactNode {
  const online = device.online && current;
  const flags = [device.stale ? 'stale' : '', device.isNew ? 'new' : ''].filter(Boolean).join(' ');
  return (
    <Box width={width} flexDirection="row">
      <Text>
        <Span tone="accent" bold>
          {fitAscii(selected ? '>' : ' ', cols.mark)}
        </Span>
        <Span tone={online ? 'good' : 'dim'}>{online ? '● ' : '○ '}</Span>
      </Text>
      <Cell width={cols.name} bold={selected} tone={selected ? 'accent' : undefined}>
        {fitText(device.name, cols.name > 2 ? cols.name - 1 : cols.name)}
      </Cell>
      <Text wrap="truncate-end">
        <Span tone="dim">{fitAscii(shortId(device.machine_id), cols.id)}</Span>
        {fitAscii(hostFingerprint(device.host_pub), cols.fingerprint)}
        <Span tone="dim">{fitAscii(device.source, cols.source)}</Span>
        <Span tone={device.stale ? 'bad' : 'accent'}>{fitAscii(flags, cols.flags)}</Span>
      </Text>
    </Box>
  );
}

export function DeviceList({ devices, cursor, width, height, emptyText, current = true }: DeviceListProps): ReactNode {
  const start = useRef(0);
  const cols = columnsFor(width);
  const rows = Math.max(1, height);
  start.current = windowStart(Math.max(cursor, 0), devices.length, rows, start.current);
  const shown = devices.slice(start.current, start.current + rows);
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <Titles cols={cols} width={width} />
      {shown.length === 0 ? (
        <Box width={width}>
          <Line tone="dim">{emptyText}</Line>
        </Box>
      ) : (
        shown.map((d, i) => <Row key={d.machine_id} device={d} selected={start.current + i === cursor} cols={cols} width={width} current={current} />)
      )}
    </Box>
  );
}
