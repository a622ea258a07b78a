/**
 * Flag parsing for every binary: node:util parseArgs (strict), with errors as one UserError line
 * and `--inspect [URL]`, whose value is optional, handled before parseArgs sees it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.js';

export const DEFAULT_INSPECT_URL = 'ws://127.0.0.1:8080';
export const DEFAULT_RELAY_URL = 'ws://127.0.0.1:8787';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Set when `--inspect` was given: its URL or the default. */
  inspect?: string;
}

export function parseFlags(argv: string[], options: Options, { allowInspect = false, allowPositionals = false } = {}): Parsed {
  const rest: string[] = [];
  let inspect: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (allowInspect && (a === '--inspect' || a.startsWith('--inspect='))) {
      if (a.startsWith('--inspect=')) inspect = a.slice('--inspect='.length);
      else if (argv[i + 1] !== undefined && /^wss?:\/\//.test(argv[i + 1]!)) inspect = argv[++i];
      else inspect = DEFAULT_INSPECT_URL;
      continue;
    }
    rest.push(a);
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options, strict: true, allowPositionals });
    return { values: values as Parsed['values'], positionals, inspect };
  } catch (err) {
    // parseArgs messages are clear but long; keep the first sentence.
    const msg = err instanceof Error ? err.message.split('. ')[0]!.replace(/\.$/, '') : String(err);
    throw new UserError(`${msg} (see --help)`, 2);
  }
}

/** A positive number of seconds from a flag, or a UserError naming the flag. */
export function secondsFlag(name: string, value: string | boolean | undefined, fallback: number, { min = 0, max = 86_400 } = {}): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new UserError(`--${name} expects a number from ${min} to ${max}, got ${JSON.stringify(value)}`, 2);
  return n;
}

/** A whole number from a flag, or a UserError naming the flag. */
export function intFlag(name: string, value: string | boolean | undefined, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UserError(`--${name} expects a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, 2);
  return n;
}

/** ws:// or wss:// relay URL; http(s) is accepted and mapped, since people paste both. */
export function relayUrlFlag(value: string | boolean | undefined): string {
  const raw = typeof value === 'string' ? value : (process.env.MIR_RELAY ?? DEFAULT_RELAY_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`relay URL ${JSON.stringify(raw)} is not a URL (want ws://HOST:PORT)`, 2);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UserError(`relay URL ${JSON.stringify(raw)} must be ws:// or wss://`, 2);
  return url.toString().replace(/\/$/, '');
}

/** http(s) base of a relay URL, for its HTTP endpoints. */
export function httpBase(relayUrl: string): string {
  return relayUrl.replace(/^ws/, 'http').replace(/\/$/, '');
}
