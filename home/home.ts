/**
 * The home folder (SPEC §5): `--home DIR`, else `$MIR_HOME`, else `$XDG_CONFIG_HOME/mir`, else
 * `~/.config/mir`. Created 0700; files written atomically (temp file + fsync + rename) so a crash
 * never leaves half a file; a file that does not parse names itself in one clear error.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../common/errors.js';

export const SECRET_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;
export const HOME_DIR_MODE = 0o700;

export function resolveHome(flag?: string | boolean): string {
  if (typeof flag === 'string' && flag !== '') return resolve(flag);
  if (process.env.MIR_HOME) return resolve(process.env.MIR_HOME);
  const xdg = process.env.XDG_CONFIG_HOME;
  return resolve(xdg ? join(xdg, 'mir') : join(homedir(), '.config', 'mir'));
}

/** Creates the home (0700) if needed; a path that is a file or unwritable is a UserError. */
export function ensureHome(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: HOME_DIR_MODE });
    const st = statSync(dir);
    if (!st.isDirectory()) throw new UserError(`home ${dir} is not a folder`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot use home ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return dir;
}

/** Writes `text` to `path` atomically with `mode`: temp file in the same folder, fsync, rename. */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode); // the umask may have narrowed or the file may be re-used; be exact
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw new UserError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * Like writeFileAtomic, but never replaces an existing file: the temp file is hard-linked into
 * place, which fails if `path` exists, so two processes racing cannot both "create" it.
 * Returns false when the file already existed.
 */
export function createFileAtomic(path: string, text: string, mode: number): boolean {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileAtomic(tmp, text, mode);
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
  }
}

export function writeJsonAtomic(path: string, value: unknown, mode: number): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/**
 * Reads and validates a JSON file. Missing → undefined; unreadable, not JSON or off-shape →
 * UserError naming the file. `check` returns the typed value or a reason string.
 */
export function readJsonFile<T>(path: string, check: (value: unknown) => T | string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UserError(`cannot read ${path}: ${code ?? String(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${path} is corrupt: not valid JSON (fix or remove it)`);
  }
  const checked = check(value);
  if (typeof checked === 'string') throw new UserError(`${path} is corrupt: ${checked} (fix or remove it)`);
  return checked;
}
