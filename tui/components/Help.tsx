/** The `?` screen: every key, one per line. */
import { type ReactNode } from 'react';
import { Box } from 'ink';
import { Line } from '../theme.js';

export const HELP_LINES: readonly (readonly [string, string])[] = [
  ['type', 'filter by name (substring first, then fuzzy)'],
  ['backspace', 'delete the last filter character (ctrl-u: all)'],
  ['↑ ↓ ctrl-p ctrl-n', 'move the cursor'],
  ['enter', 'pick: print the machine as JSON on stdout (or run --exec)'],
  ['esc', 'clear the filter; on an empty filter, quit'],
  ['ctrl-c', 'quit without a pick (exit 130)'],
  ['?', 'show or hide this help'],
];

export function Help({ width, height }: { readonly width: number; readonly height: number }): ReactNode {
  return (
    <Box flexDirection="column" width={width} height={height}>
      {HELP_LINES.slice(0, Math.max(0, height)).map(([k, what]) => (
        <Box key={k} width={width} flexDirection="row">
          <Box width={Math.min(19, Math.max(6, Math.floor(width / 3)))} flexShrink={0}>
            <Line tone="accent">{k}</Line>
          </Box>
          <Box flexGrow={1} flexShrink={1} minWidth={0}>
            <Line>{what}</Line>
          </Box>
        </Box>
      ))}
    </Box>
  );
}
