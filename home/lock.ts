/**
 * One running agent per home. Two agents on one home register the same slot and replace each
 * other forever (close 4409, the entry churning in every list), so the second one refuses to
 * start. The lock is a file created with O_EXCL holding the owner's pid; a lock whose pid is gone
 * (a crash, SIGKILL) is taken over.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';

export const AGENT_LOCK_FILE = 'agent.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Takes the home's agent lock or throws a UserError naming the running agent; returns release(). */
export function lockAgentHome(home: string): () => void {
  const path = join(home, AGENT_LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot create ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(path, 'utf8').trim());
    } catch {
      /* removed meanwhile: try again */
    }
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new UserError(`another mir-agent (pid ${pid}) is already running for ${home}; stop it first, or use another --home`);
    }
    try {
      unlinkSync(path); // stale: its agent is gone
    } catch {
      /* someone else took it over first; the next attempt sees theirs */
    }
  }
  throw new UserError(`cannot take ${path}: another mir-agent is starting for ${home}`);
}

const STALE_LOCK_MS = 5_000;
const LOCK_WAIT_MS = 3_000;
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `fn` holding `<path>.lock` (O_EXCL), for a read-modify-write of one small file that
 * several processes of one home may do at once (two `mir list`, a TUI and a CLI). Waits up to
 * 3 s for another holder; a lock older than 5 s is a crashed holder's and is taken over.
 */
export function withFileLock<T>(path: string, fn: () => T): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot create ${lock}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
    } catch {
      /* released meanwhile */
    }
    if (Date.now() > deadline) throw new UserError(`${lock} is held by another process; remove it if no mir command is running`);
    sleepSync(10);
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      /* taken over as stale */
    }
  }
}
