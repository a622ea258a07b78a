/** Bottom line: the keys, shortest first so a narrow terminal still shows the important ones. */
import { type ReactNode } from 'react';
import { Box } from 'ink';
import { Line } from '../theme.js';

export const FOOTER_TEXT = 'enter pick · ↑↓ move · esc quit · ? help · type to filter';

export function Footer({ width }: { readonly width: number }): ReactNode {
  return (
    <Box width={width}>
      <Line tone="dim">{FOOTER_TEXT}</Line>
    </Box>
  );
}
