/**
 * Colour on or off for the whole screen (NO_COLOR, issue #6). With colour off the screen keeps
 * every mark (the `>` cursor, the ●/○ dot, the words "new" and "stale") and drops every style.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { Text } from 'ink';
import { type Tone } from './format.js';

export const ColorContext = createContext<boolean>(true);

const TONE_COLOR: Record<Tone, string> = { good: 'green', warn: 'yellow', bad: 'red', dim: 'gray' };

export interface InkProps {
  readonly tone?: Tone | 'accent';
  readonly bold?: boolean;
  readonly children?: ReactNode;
}

/** One-line text that truncates instead of wrapping (never wrap the layout, issue #6). */
export function Line({ tone, bold, children }: InkProps): ReactNode {
  const color = useContext(ColorContext);
  if (!color) return <Text wrap="truncate-end">{children}</Text>;
  return (
    <Text wrap="truncate-end" bold={bold} color={tone === 'accent' ? 'cyan' : tone ? TONE_COLOR[tone] : undefined}>
      {children}
    </Text>
  );
}

/** A styled piece inside a `<Line>` or `<Text>` (nested Text: no layout node of its own). */
export function Span({ tone, bold, children }: InkProps): ReactNode {
  const color = useContext(ColorContext);
  if (!color || (!tone && !bold)) return <>{children}</>;
  return (
    <Text bold={bold} color={tone === 'accent' ? 'cyan' : tone ? TONE_COLOR[tone] : undefined}>
      {children}
    </Text>
  );
}
