/**
 * The App wired to a live discovery client: view, banner, countdown and terminal size from the
 * hooks; a pick or a quit blanks the screen (fzf leaves no UI behind) and then ends Ink.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useApp } from 'ink';
import { type DeviceRow } from '../client/view.js';
import { App } from './app.js';
import { type DiscoverySource } from './source.js';
import { useBanner, useCountdown, useDiscovery } from './use-discovery.js';
import { useTerminalSize } from './use-terminal-size.js';

/** How the TUI ended: a device picked, or a quit (Esc on an empty filter, Ctrl-C). */
export type TuiResult = { readonly kind: 'pick'; readonly device: DeviceRow } | { readonly kind: 'quit' };

export interface ShellProps {
  readonly source: DiscoverySource;
  readonly color: boolean;
  readonly onDone: (result: TuiResult) => void;
  readonly bannerMs?: number;
  /** Benchmark hook: called after each key handled. */
  readonly onKey?: () => void;
}

export function Shell({ source, color, onDone, bannerMs, onKey }: ShellProps): ReactNode {
  const view = useDiscovery(source);
  const notice = useBanner(source, bannerMs);
  const secondsLeft = useCountdown(view.connection);
  const { width, height } = useTerminalSize();
  const [result, setResult] = useState<TuiResult | null>(null);
  const { exit } = useApp();
  useEffect(() => {
    if (!result) return;
    onDone(result);
    exit();
  }, [result, onDone, exit]);
  if (result) return null;
  return (
    <App
      view={view}
      notice={notice}
      secondsLeft={secondsLeft}
      width={width}
      height={height}
      color={color}
      onPick={(device) => setResult({ kind: 'pick', device })}
      onQuit={() => setResult({ kind: 'quit' })}
      onKey={onKey}
    />
  );
}
