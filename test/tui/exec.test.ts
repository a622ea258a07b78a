import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../common/errors.js';
import { runCommand, splitTemplate, substitute } from '../../tui/exec.js';
import { device } from './fixtures.js';

describe('--exec templates', () => {
  it('splits into words the way a shell would, with quotes and backslashes', () => {
    expect(splitTemplate(`ssh -o 'User=me x' "{name}.lan" a\\ b  ''`)).toEqual(['ssh', '-o', 'User=me x', '{name}.lan', 'a b', '']);
  });

  it('refuses an unclosed quote or an empty command with a UserError', () => {
    expect(() => splitTemplate(`ssh '{name}`)).toThrow(UserError);
    expect(() => splitTemplate('   ')).toThrow(/needs a command/);
  });

  it('substitutes fields inside words and keeps a hostile name as one argument', () => {
    const d = device('evil; rm -rf ~ $(x) "q"', 5);
    expect(substitute(['echo', 'user@{name}', '{machine_id}', '{host_pub}', '{unknown}'], d)).toEqual(['echo', `user@${d.name}`, d.machine_id, d.host_pub, '{unknown}']);
  });

  it('runs the command without a shell and returns its exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mir-tui-exec-'));
    const out = join(dir, 'args.json');
    const d = device('name with spaces; $(boom)', 6);
    try {
      const argv = substitute([process.execPath, '-e', 'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2))); process.exit(7)', out, '{name}', 'x{machine_id}'], d);
      expect(await runCommand(argv)).toBe(7);
      expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([d.name, `x${d.machine_id}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says "command not found" for a missing program, with exit code 127', async () => {
    await expect(runCommand(['mir-no-such-command-xyz'])).rejects.toMatchObject({ exitCode: 127, message: expect.stringContaining('command not found') });
  });
});
