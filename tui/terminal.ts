/**
 * Where the TUI draws and reads keys (issue #6): like fzf, on the terminal and never on stdout,
 * so `mir-tui | jq -r .name` works. Draws on stderr when it is a terminal, else on /dev/tty;
 * reads keys from stdin when it is a terminal, else from /dev/tty. No terminal at all: refuse.
 */
import { openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { UserError } from '../common/errors.js';

export interface Terminal {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
  /** Closes what was opened here (the process's own streams are left alone). */
  close(): void;
}

export const NO_TERMINAL = 'no terminal to draw on (stdin/stderr are not terminals and /dev/tty cannot be opened); for scripts use `mir list --json`';

function openTty(flags: 'r' | 'w'): number | null {
  try {
    return openSync('/dev/tty', flags);
  } catch {
    return null;
  }
}

/**
 * Keeps a terminal stream's size current. Node refreshes only process.stdout on SIGWINCH, and a
 * WriteStream's public getWindowSize() returns the cached size; `_refreshSize()` (in Node since
 * v0.x) asks the terminal and emits 'resize' when it changed, which is what Ink listens to.
 */
function followResize(out: WriteStream): () => void {
  const refresh = (out as unknown as { _refreshSize?: () => void })._refreshSize;
  if (typeof refresh !== 'function') return () => {};
  const onWinch = () => refresh.call(out);
  process.on('SIGWINCH', onWinch);
  return () => process.off('SIGWINCH', onWinch);
}

export function openTerminal(): Terminal {
  const opened: (ReadStream | WriteStream)[] = [];
  const cleanups: (() => void)[] = [];
  let output: NodeJS.WriteStream | null = process.stderr.isTTY ? process.stderr : null;
  let input: NodeJS.ReadStream | null = process.stdin.isTTY ? process.stdin : null;
  if (!output) {
    const fd = openTty('w');
    if (fd !== null) {
      const out = new WriteStream(fd);
      opened.push(out);
      cleanups.push(followResize(out));
      output = out as unknown as NodeJS.WriteStream;
    }
  } else {
    cleanups.push(followResize(output as unknown as WriteStream));
  }
  if (!input) {
    const fd = openTty('r');
    if (fd !== null) {
      const inp = new ReadStream(fd);
      opened.push(inp);
      input = inp as unknown as NodeJS.ReadStream;
    }
  }
  if (!output || !input) {
    for (const s of opened) s.destroy();
    for (const c of cleanups) c();
    throw new UserError(NO_TERMINAL, 2);
  }
  return {
    input,
    output,
    close() {
      for (const c of cleanups) c();
      for (const s of opened) s.destroy();
    },
  };
}
