/**
 * The mir-tui screen (issue #6): header, filter line, banner, device list (or help), footer.
 * Presentational: the discovery view, the banner notice and the terminal size come in as props;
 * the only state here is the UI's own (filter, cursor, help). What a pick or a quit does is the
 * caller's business (`onPick`, `onQuit`).
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Box, useInput } from 'ink';
import { type DeviceRow, type DiscoveryView, type Notice } from '../client/view.js';
import { Banner } from './components/Banner.js';
import { DeviceList } from './components/DeviceList.js';
import { FilterLine } from './components/FilterLine.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { Help } from './components/Help.js';
import { filterDevices } from './filter.js';
import { INITIAL_UI, reduceKey, splitKeys, type UiState } from './keys.js';
import { cursorIndex, selectAt } from './selection.js';
import { ColorContext } from './theme.js';

export interface AppProps {
  readonly view: DiscoveryView;
  /** The notice to show in the banner now, or null (the shell times it out). */
  readonly notice: Notice | null;
  /** Counted-down seconds for a `reconnecting` header. */
  readonly secondsLeft?: number;
  readonly width: number;
  readonly height: number;
  readonly color: boolean;
  readonly onPick: (device: DeviceRow) => void;
  readonly onQuit: () => void;
  /** Called after every key handled, for the keystroke→frame benchmark. */
  readonly onKey?: () => void;
}

/** Lines taken by everything but the rows: header, filter, banner, column titles, footer. */
export const CHROME_LINES = 5;

export function App({ view, notice, secondsLeft, width, height, color, onPick, onQuit, onKey }: AppProps): ReactNode {
  const [ui, setUi] = useState<UiState>(INITIAL_UI);
  // Keys can arrive in one burst before React renders again ("abc⏎" from a paste or tmux),
  // so each key works on the latest state, not on the one this render closed over.
  const latest = useRef({ ui, devices: view.devices, done: false });
  latest.current.devices = view.devices;

  // The cursor starts on the first row with no device pinned; pin the device under it as soon as
  // there is one, so a device joining above it (rows are sorted by name) does not move it.
  useEffect(() => {
    const now = latest.current;
    if (now.ui.selection.id !== null || view.devices.length === 0) return;
    const shown = filterDevices(view.devices, now.ui.filter);
    const selection = selectAt(shown, cursorIndex(shown, now.ui.selection));
    if (selection.id === null) return;
    now.ui = { ...now.ui, selection };
    setUi(now.ui);
  }, [view.devices]);

  useInput((burst, burstKey) => {
    const now = latest.current;
    for (const [input, key] of splitKeys(burst, burstKey)) {
      if (now.done) return;
      const out = reduceKey(now.ui, now.devices, input, key);
      if (out.kind === 'state') {
        now.ui = out.state;
        setUi(out.state);
      } else {
        now.done = true;
        if (out.kind === 'pick') onPick(out.device);
        else onQuit();
      }
    }
    onKey?.();
  });

  const w = Math.max(1, width);
  // Stay a line short of the terminal: Ink clears the whole screen when a frame fills it.
  const listHeight = Math.max(1, height - CHROME_LINES - 1);
  const visible = filterDevices(view.devices, ui.filter);
  const cursor = cursorIndex(visible, ui.selection);
  const unreachable = view.connection.kind === 'reconnecting' || view.connection.kind === 'offline';
  const emptyText =
    view.devices.length > 0 ? 'no device matches the filter' : unreachable ? 'cannot reach the relay yet' : 'no devices yet — waiting for your machines to come online';
  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={w}>
        <Header wallet={view.wallet} connection={view.connection} secondsLeft={secondsLeft} count={view.devices.length} problem={view.problem} width={w} />
        <FilterLine filter={ui.filter} matched={visible.length} total={view.devices.length} width={w} />
        <Banner notice={notice} width={w} />
        {ui.help ? (
          <Help width={w} height={listHeight + 1} />
        ) : (
          <DeviceList devices={visible} cursor={cursor} width={w} height={listHeight} emptyText={emptyText} current={view.connection.kind === 'live' || view.connection.kind === 'polling'} />
        )}
        <Footer width={w} />
      </Box>
    </ColorContext.Provider>
  );
}
