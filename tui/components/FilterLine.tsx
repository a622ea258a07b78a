/** The filter prompt, fzf style: what was typed, and how many of the devices match. */
import { type ReactNode } from 'react';
import { Box } from 'ink';
import { Line } from '../theme.js';

export interface FilterLineProps {
  readonly filter: string;
  readonly matched: number;
  readonly total: number;
  readonly width: number;
}

export function FilterLine({ filter, matched, total, width }: FilterLineProps): ReactNode {
  return (
    <Box width={width} flexDirection="row">
      <Box flexGrow={1} flexShrink={1} minWidth={0}>
        <Line tone="accent">{`> ${filter}▏`}</Line>
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <Line tone="dim">{`${matched}/${total}`}</Line>
      </Box>
    </Box>
  );
}
