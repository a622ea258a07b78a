/**
 * The relay binary's first stdout line, "mir-relay listening on ws://HOST:PORT" (SPEC §6: it
 * prints the URL it serves on, also when the OS picked the port). The binary writes it; the
 * demo, the tests and the benchmarks wait for it with `waitForListening`.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export const listeningLine = (url: string): string => `mir-relay listening on ${url}`;
const LISTENING = /^mir-relay listening on (wss?:\/\/\S+)$/;

/**
 * The URL a `mir-relay` child process announces on its first stdout line. Rejects when the
 * child exits first, prints anything else first, or says nothing within `timeoutMs`.
 */
export function waitForListening(child: ChildProcess, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`mir-relay ${why}`));
    };
    const timer = setTimeout(() => fail(`did not say where it listens within ${timeoutMs / 1000} s`), timeoutMs);
    child.once('exit', (code) => fail(`exited with code ${code} before it listened`));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const m = LISTENING.exec(line);
      if (!m) return fail(`printed ${JSON.stringify(line.slice(0, 120))} instead of where it listens`);
      clearTimeout(timer);
      resolve(m[1]!);
    });
  });
}
