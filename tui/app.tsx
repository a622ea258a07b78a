/**
 * The mir-tui screen (issue #6): header, filter line, banner, device list (or help), footer.
 * Presentational: the discovery view, the banner notice and the terminal size come in as props;
 * the only state here is the UI's own (filter, cursor, help). What a pick or a quit does is the
 * caller's business (`onPick`, `onQuit`).
 */
import { useRef, useState, type ReactNode } from 'react';
import { Box, useInput } from 'ink';
import { type DeviceRow, type DiscoveryView, type Notice } from '../client/view.js';
import { Banner } from './components/Banner.js';
import { DeviceList } from './components/DeviceList.js';
import { FilterLine } from './components/FilterLine.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { Help } from './components/Help.js';
import { filterDevices } from './filter.js';
import { INITIAL_UI, reduceKey, type UiState } from './keys.js';
import { cursorIndex } from './selection.js';
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

  useInput((input, key) => {
    const now = latest.current;
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
    onKey?.();
  });

  const w = Math.max(1, width);
  // Stay a line short of the terminal: Ink clears the whole screen when a frame fills it.
  const listHeight = Math.max(1, height - CHROME_LINES - 1);
  const visible = filterDevices(view.devices, ui.filter);
  const cursor = cursorIndex(visible, ui.selection);
  const emptyText = view.devices.length === 0 ? 'no devices yet — waiting for your machines to come online' : 'no device matches the filter';
  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={w}>
        <Header wallet={view.wallet} connection={view.connection} secondsLeft={secondsLeft} count={view.devices.length} problem={view.problem} width={w} />
        <FilterLine filter={ui.filter} matched={visible.length} total={view.devices.length} width={w} />
        <Banner notice={notice} width={w} />
        {ui.help ? (
          <Help width={w} height={listHeight + 1} />
        ) : (
          <DeviceList devices={visible} cursor={cursor} width={w} height={listHeight} emptyText={emptyText} />
        )}
        <Footer width={w} />
      </Box>
    </ColorContext.Provider>
  );
}
