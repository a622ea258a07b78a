/** Top line: whose machines these are and how the relay connection is doing. */
import { type ReactNode } from 'react';
import { Box } from 'ink';
import { type ConnectionState } from '../../client/view.js';
import { connectionLabel, shortAddress } from '../format.js';
import { Line } from '../theme.js';

export interface HeaderProps {
  readonly wallet: string;
  readonly connection: ConnectionState;
  /** Seconds left before the next try, counted down by the shell (else the view's figure). */
  readonly secondsLeft?: number;
  readonly count: number;
  /** The client's short reason the relay was not reached, if any. */
  readonly problem?: string;
  readonly width: number;
}

export function Header({ wallet, connection, secondsLeft, count, problem, width }: HeaderProps): ReactNode {
  const label = connectionLabel(connection, secondsLeft, problem);
  const devices = `${count} device${count === 1 ? '' : 's'}`;
  return (
    <Box width={width} flexDirection="row">
      <Box flexShrink={1} flexGrow={1} minWidth={0}>
        <Line bold>mir · {shortAddress(wallet)} · {devices}</Line>
      </Box>
      {/* The connection state wins the space: it is what changes. */}
      <Box flexShrink={0} marginLeft={1} width={Math.min([...label.text].length, Math.max(1, width - 1))}>
        <Line tone={label.tone}>{label.text}</Line>
      </Box>
    </Box>
  );
}
