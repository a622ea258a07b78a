/**
 * Runs the TUI on a terminal until a pick or a quit. Ink gets the terminal streams explicitly:
 * it never draws on stdout, which stays free for the picked JSON (issue #6).
 */
import { render } from 'ink';
import { Shell, type TuiResult } from './shell.js';
import { type DiscoverySource } from './source.js';
import { type Terminal } from './terminal.js';

export interface RunOptions {
  readonly source: DiscoverySource;
  readonly terminal: Terminal;
  readonly color: boolean;
}

export async function runTui({ source, terminal, color }: RunOptions): Promise<TuiResult> {
  let result: TuiResult = { kind: 'quit' };
  const instance = render(<Shell source={source} color={color} onDone={(r) => (result = r)} />, {
    stdout: terminal.output,
    stderr: terminal.output,
    stdin: terminal.input,
    // Ctrl-C is a key here (quit, exit 130), handled by the App like Esc.
    exitOnCtrlC: false,
    // Nothing may print between frames; stray console output would go to the terminal anyway.
    patchConsole: true,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    instance.cleanup();
  }
  return result;
}
