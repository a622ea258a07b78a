/** The size of the stream Ink draws on, following resizes (SIGWINCH → 'resize'). */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export function useTerminalSize(fallback: Size = { width: 80, height: 24 }): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ width: stdout.columns || fallback.width, height: stdout.rows || fallback.height });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
