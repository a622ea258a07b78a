/**
 * `--exec TEMPLATE` (issue #6): the template is split into words first, like a shell would
 * (spaces separate; '…' is literal; "…" and \ escape), then `{name}`, `{machine_id}`,
 * `{host_pub}`, `{signal_url}` and `{source}` are substituted inside each word. The command is
 * spawned without a shell, so a device name can never inject anything: each field stays part of
 * one argument.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { UserError } from '../common/errors.js';
import { toMachineJson, type DeviceRow } from '../client/view.js';

/** Splits a template into words, or throws a UserError for an unclosed quote or no command. */
export function splitTemplate(template: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (template[i + 1] === '"' || template[i + 1] === '\\')) word += template[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < template.length) {
      word += template[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new UserError(`--exec: unclosed ${quote} in ${JSON.stringify(template)}`, 2);
  if (inWord) words.push(word);
  if (words.length === 0 || words[0] === '') throw new UserError('--exec needs a command, e.g. --exec \'ssh {name}\'', 2);
  return words;
}

/** The words with each `{field}` replaced by the picked machine's field (unknown ones stay). */
export function substitute(words: readonly string[], device: DeviceRow): string[] {
  const fields: Record<string, string> = { ...toMachineJson(device), online: String(device.online) } as unknown as Record<string, string>;
  return words.map((w) => w.replace(/\{([a-z_]+)\}/g, (all, key: string) => (typeof fields[key] === 'string' ? fields[key] : all)));
}

/** Runs the command with the terminal's stdio and resolves with its exit code (128+n on signal n). */
export function runCommand(argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', shell: false });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(new UserError(`--exec: cannot run ${JSON.stringify(argv[0])}: ${err.code === 'ENOENT' ? 'command not found' : err.message}`, err.code === 'ENOENT' ? 127 : 126));
    });
    child.on('exit', (code, signal) => {
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
