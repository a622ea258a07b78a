/** The transient `📣 new device "<name>" joined your wallet` line (SPEC §4 notify, issue #6). */
import { type ReactNode } from 'react';
import { Box } from 'ink';
import { noticeText, type Notice } from '../../client/view.js';
import { Line } from '../theme.js';

export function Banner({ notice, width }: { readonly notice: Notice | null; readonly width: number }): ReactNode {
  return (
    <Box width={width} height={1}>
      {notice ? <Line tone="accent" bold>{noticeText(notice.name)}</Line> : <Line> </Line>}
    </Box>
  );
}
