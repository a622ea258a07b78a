/**
 * One running agent per home. Two agents on one home register the same slot and replace each
 * other forever (close 4409, the entry churning in every list), so the second one refuses to
 * start. The lock is a file created with O_EXCL holding the owner's pid; a lock whose pid is gone
 * (a crash, SIGKILL) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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
