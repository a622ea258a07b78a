/**
 * The whole program in a real terminal (issue #6): mir-tui in tmux against a real relay and real
 * agents on loopback. Reads the screen with capture-pane and the pick from the file stdout went to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAgentFile } from '../../home/files.js';
import { bin, hasTmux, missingBuild, startAgentProcess, startRelayProcess, stop, TmuxSession, walletInHomes } from './procs.js';
import { until } from './fixtures.js';

const inCi = process.env.CI === 'true' || process.env.CI === '1';
const tmux = hasTmux();
if (!tmux && !inCi) console.warn('skipping the tmux terminal test: tmux is not installed');

/** Waits (bounded) until the screen satisfies `check`; fails showing the screen it saw last. */
async function screenUntil(session: TmuxSession, check: (screen: string) => boolean, ms: number): Promise<string> {
  let screen = '';
  // Every 50 ms: each look is a tmux process.
  const ok = await until(() => check((screen = session.capture())), ms, 50);
  if (!ok) expect.fail(`the screen never got there within ${ms} ms; last screen:\n${screen}`);
  return screen;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('mir-tui in a real terminal', () => {
  it.runIf(!tmux && inCi)('needs tmux on CI', () => {
    expect.fail('tmux is not installed, and CI must run the terminal test (install tmux)');
  });

  describe.runIf(tmux)('against a real relay and real agents', () => {
    let dir: string;
    let relay: { url: string; proc: ChildProcess } | undefined;
    const agents: ChildProcess[] = [];
    const sessions: TmuxSession[] = [];

    beforeAll(async () => {
      const missing = missingBuild();
      if (missing) throw new Error(missing);
      dir = mkdtempSync(join(tmpdir(), 'mir-tui-term-'));
      walletInHomes(['viewer', 'alpha', 'bravo'].map((h) => join(dir, h)));
      relay = await startRelayProcess(['--grace', '1']);
    });

    afterAll(async () => {
      for (const s of sessions) s.kill();
      await Promise.all(agents.map((a) => stop(a)));
      await stop(relay?.proc);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** mir-tui in a fresh 80×24 tmux window; stdout to out.json, exit code to rc. */
    function openTui(tag: string, extra = ''): { session: TmuxSession; out: string; rc: string } {
      const out = join(dir, `${tag}.json`);
      const rc = join(dir, `${tag}.rc`);
      const cmd = `${quote(process.execPath)} ${quote(bin('mir-tui'))} --home ${quote(join(dir, 'viewer'))} --relay ${quote(relay!.url)} ${extra} > ${quote(out)}; echo $? > ${quote(rc)}; sleep 60`;
      const session = new TmuxSession(cmd, 80, 24);
      sessions.push(session);
      return { session, out, rc };
    }

    it('shows an agent the moment it comes online, then prints the device picked by filter + Enter', async () => {
      const { session, out, rc } = openTui('pick');
      await screenUntil(session, (s) => s.includes('● live'), 15_000);
      expect(session.capture()).toContain('no devices yet');

      agents.push(startAgentProcess(relay!.url, 'alpha-box', join(dir, 'alpha')));
      await screenUntil(session, (s) => s.includes('alpha-box'), 15_000);
      agents.push(startAgentProcess(relay!.url, 'bravo-node', join(dir, 'bravo')));
      await screenUntil(session, (s) => s.includes('bravo-node'), 15_000);
      const screen = session.capture();
      // Joined while the TUI was open: the "new" badge, and the banner for the latest one.
      expect(screen).toMatch(/● bravo-node .* registry +new/);
      expect(screen).toMatch(/📣 new device "(alpha-box|bravo-node)" joined your wallet/);
      for (const line of screen.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);

      session.type('brv');
      await screenUntil(session, (s) => /> brv▏ +1\/2/.test(s), 5_000);
      session.press('Enter');
      expect(await until(() => existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '', 10_000)).toBe(true);
      expect(readFileSync(rc, 'utf8').trim()).toBe('0');

      const bravo = readAgentFile(join(dir, 'bravo'))!;
      expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
        name: 'bravo-node',
        machine_id: bravo.machine_id,
        host_pub: bravo.host_pub,
        signal_url: relay!.url,
        source: 'registry',
        online: true,
      });
      // The UI was drawn on the terminal and wiped on exit; stdout held the JSON line only.
      expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(2);
      expect(session.capture()).not.toContain('enter pick');
    });

    it('runs --exec with the picked fields as single arguments, without a shell, and exits with its code', async () => {
      const args = join(dir, 'exec-args.json');
      const script = `require("fs").writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2))); process.exit(3)`;
      const template = `${quote(process.execPath)} -e ${quote(script)} ${quote(args)} {name} 'id={machine_id}' {host_pub}`;
      const { session, out, rc } = openTui('exec', `--exec ${quote(template)}`);
      await screenUntil(session, (s) => s.includes('alpha-box') && s.includes('bravo-node'), 15_000);
      session.type('alpha');
      await screenUntil(session, (s) => /> alpha▏ +1\/2/.test(s), 5_000);
      session.press('Enter');
      expect(await until(() => existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '', 10_000)).toBe(true);
      expect(readFileSync(rc, 'utf8').trim()).toBe('3');
      const alpha = readAgentFile(join(dir, 'alpha'))!;
      expect(JSON.parse(readFileSync(args, 'utf8'))).toEqual(['alpha-box', `id=${alpha.machine_id}`, alpha.host_pub]);
      expect(readFileSync(out, 'utf8')).toBe('');
    });

    it('removes a row when its agent leaves, and quits with 130 and nothing on stdout on Esc', async () => {
      const { session, out, rc } = openTui('quit');
      await screenUntil(session, (s) => s.includes('bravo-node'), 15_000);
      await stop(agents.pop());
      await screenUntil(session, (s) => !s.includes('bravo-node'), 15_000);
      expect(session.capture()).toContain('alpha-box');
      session.press('Escape');
      expect(await until(() => existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '', 10_000)).toBe(true);
      expect(readFileSync(rc, 'utf8').trim()).toBe('130');
      expect(readFileSync(out, 'utf8')).toBe('');
    });
  });

  it('refuses with one line pointing to `mir list --json` when there is no terminal at all', async () => {
    const missing = missingBuild();
    if (missing) throw new Error(missing);
    const dir = mkdtempSync(join(tmpdir(), 'mir-tui-notty-'));
    try {
      walletInHomes([dir]);
      // A new session has no controlling terminal: /dev/tty cannot be opened, and the pipes are not TTYs.
      const child = spawn(process.execPath, [bin('mir-tui'), '--home', dir, '--relay', 'ws://127.0.0.1:9'], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => {
        const t = setTimeout(() => (child.kill('SIGKILL'), resolve(null)), 10_000);
        child.on('exit', (c) => (clearTimeout(t), resolve(c)));
      });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^mir-tui: no terminal to draw on.*mir list --json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
