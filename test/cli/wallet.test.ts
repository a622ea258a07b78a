// `mir wallet new | import-phrase | show` as a user runs them: real processes on a home folder.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';

const VECTOR = JSON.parse(readFileSync(new URL('../../vectors/wallet.json', import.meta.url), 'utf8')).wallets[2] as { phrase: string; address: string; secret: string };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mir-wallet-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('mir wallet', () => {
  it('import-phrase from stdin then show --json prints the address the phrase derives', async () => {
    const home = join(dir, 'h');
    const imp = await run('mir', ['wallet', 'import-phrase', '--home', home], { input: `${VECTOR.phrase}\n` });
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    const show = await run('mir', ['wallet', 'show', '--json', '--home', home]);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual({ address: VECTOR.address });
    expect(show.stdout).not.toContain(VECTOR.secret);
  });

  it('keeps the home 0700 and the wallet file 0600, with no temp file left behind', async () => {
    const home = join(dir, 'h');
    await run('mir', ['wallet', 'import-phrase', '--home', home], { input: VECTOR.phrase });
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'wallet.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(home)).toEqual(['wallet.json']);
  });

  it('new prints the address and a 24-word phrase that imports to the same address elsewhere', async () => {
    const made = await run('mir', ['wallet', 'new', '--json', '--home', join(dir, 'a')]);
    expect(made.code).toBe(0);
    const { address, phrase } = JSON.parse(made.stdout) as { address: string; phrase: string };
    expect(phrase.split(' ')).toHaveLength(24);
    const imp = await run('mir', ['wallet', 'import-phrase', '--json', '--home', join(dir, 'b')], { input: phrase });
    expect(JSON.parse(imp.stdout)).toEqual({ address });
  });

  it('finds the home through $MIR_HOME, then $XDG_CONFIG_HOME/mir', async () => {
    await run('mir', ['wallet', 'import-phrase'], { input: VECTOR.phrase, env: { MIR_HOME: join(dir, 'm') } });
    expect(statSync(join(dir, 'm', 'wallet.json')).isFile()).toBe(true);
    await run('mir', ['wallet', 'import-phrase'], { input: VECTOR.phrase, env: { MIR_HOME: '', XDG_CONFIG_HOME: join(dir, 'x') } });
    expect(statSync(join(dir, 'x', 'mir', 'wallet.json')).isFile()).toBe(true);
  });

  const words = VECTOR.phrase.split(' ');
  it.each([
    ['a bad word', [...words.slice(0, 3), 'notaword', ...words.slice(4)].join(' '), /^mir: word 4 is not in the BIP39 English wordlist\n$/],
    ['a bad checksum', [words[1], words[0], ...words.slice(2)].join(' '), /bad checksum/],
    ['12 words', words.slice(0, 12).join(' '), /has 24 words, this one has 12/],
    ['nothing', '', /this one has 0/],
  ])('refuses %s with one line on stderr, a non-zero exit, and writes nothing', async (_why, phrase, message) => {
    const home = join(dir, 'h');
    const r = await run('mir', ['wallet', 'import-phrase', '--home', home], { input: phrase });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(r.stdout).toBe('');
    expect(() => statSync(home)).toThrow();
  });

  it('refuses an unreadable home with one clear line', async () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const r = await run('mir', ['wallet', 'import-phrase', '--home', join(file, 'sub')], { input: VECTOR.phrase });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^mir: cannot use home .*: ENOTDIR\n$/);
  });

  it('refuses to overwrite an existing wallet', async () => {
    const home = join(dir, 'h');
    await run('mir', ['wallet', 'import-phrase', '--home', home], { input: VECTOR.phrase });
    const before = readFileSync(join(home, 'wallet.json'), 'utf8');
    const r = await run('mir', ['wallet', 'new', '--home', home]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/already holds a wallet/);
    expect(readFileSync(join(home, 'wallet.json'), 'utf8')).toBe(before);
  });

  it('show names a corrupt wallet file and a missing wallet tells which command to run', async () => {
    const home = join(dir, 'h');
    mkdirSync(home);
    const missing = await run('mir', ['wallet', 'show', '--home', home]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no wallet in .*: run `mir wallet new/);
    writeFileSync(join(home, 'wallet.json'), '{"secret": "zz"');
    const corrupt = await run('mir', ['wallet', 'show', '--home', home]);
    expect(corrupt.stderr).toBe(`mir: ${join(home, 'wallet.json')} is corrupt: not valid JSON (fix or remove it)\n`);
    writeFileSync(join(home, 'wallet.json'), JSON.stringify({ secret: VECTOR.secret, address: '11111111111111111111111111111111' }));
    const mismatch = await run('mir', ['wallet', 'show', '--home', home]);
    expect(mismatch.stderr).toMatch(/is corrupt: its address does not match its secret/);
  });

  it('an unreadable wallet file is named, not a stack trace', async () => {
    if (process.getuid?.() === 0) {
      // root reads 0000 files; make the path a folder instead, which no one can read as JSON.
      const home = join(dir, 'h');
      mkdirSync(join(home, 'wallet.json'), { recursive: true });
      const r = await run('mir', ['wallet', 'show', '--home', home]);
      expect(r.stderr).toMatch(/^mir: cannot read .*wallet\.json: EISDIR\n$/);
    } else {
      const home = join(dir, 'h');
      await run('mir', ['wallet', 'import-phrase', '--home', home], { input: VECTOR.phrase });
      chmodSync(join(home, 'wallet.json'), 0);
      const r = await run('mir', ['wallet', 'show', '--home', home]);
      expect(r.stderr).toMatch(/^mir: cannot read .*wallet\.json: EACCES\n$/);
    }
  });

  it('unknown flags and commands exit 2 with one line', async () => {
    const r = await run('mir', ['wallet', 'show', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mir: Unknown option '--nope'.*\(see --help\)\n$/);
    const u = await run('mir', ['frobnicate']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
