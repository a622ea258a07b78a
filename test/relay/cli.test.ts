// `mir-relay` as a real process (issue #3, SPEC §6): the first stdout line names the real URL,
// logs are JSON lines on stderr, SIGTERM closes agents with 1001 and exits 0, bad flags are one
// line and exit 2. Needs `npx tsc -p tsconfig.build.json` (npm test builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bin, run } from '../helpers/run.js';
import { agent, cleanup, cleanups, listedAs, newBlob, newMachine, newWalletAddress, publish } from './helpers.js';

afterEach(cleanup);

/** Starts the binary and resolves with its first stdout line; everything else is collected. */
function start(args: string[]): Promise<{ child: ChildProcess; first: string; stderr: () => string; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [bin('mir-relay'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, first: out.split('\n')[0]!, stderr: () => err, exit });
    });
    child.once('exit', (code) => reject(new Error(`mir-relay exited ${code}: ${err}`)));
    setTimeout(() => reject(new Error('no first line within 10 s')), 10_000);
  });
}

describe('mir-relay binary', () => {
  it('prints the real URL first, logs JSON lines, and on SIGTERM closes agents with 1001 and exits 0', async () => {
    const p = await start(['--listen', '127.0.0.1:0', '--grace', '0.5', '--stats', '0']);
    const m = /^mir-relay listening on ws:\/\/127\.0\.0\.1:(\d+)$/.exec(p.first);
    expect(m).not.toBeNull();
    const port = Number(m![1]);
    expect(port).toBeGreaterThan(0);
    const r = { url: `ws://127.0.0.1:${port}`, httpUrl: `http://127.0.0.1:${port}`, port, close: async () => {} };
    const [w, machineId, b] = [newWalletAddress(), newMachine(), newBlob()];
    const peer = await agent(r, w, machineId);
    publish(peer, b);
    await listedAs(r, w, [{ machine_id: machineId, blob: b }]);
    p.child.kill('SIGTERM');
    expect(await peer.closed).toBe(1001);
    expect(await p.exit).toBe(0);
    const lines = p.stderr().trim().split('\n').map((l) => JSON.parse(l) as { event: string; c: string });
    expect(lines.every((l) => l.c === 'relay')).toBe(true);
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['listen', 'register', 'publish', 'closed']));
    expect(p.stderr()).not.toContain(b);
  });

  it('refuses a bad flag value with one line and exit 2', async () => {
    const res = await run('mir-relay', ['--grace', 'soon']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('mir-relay: --grace expects a number from 0 to 86400, got "soon"\n');
    const listen = await run('mir-relay', ['--listen', 'nowhere']);
    expect(listen.code).toBe(2);
    expect(listen.stderr.trim().split('\n')).toHaveLength(1);
    const conflict = await run('mir-relay', ['--max-blob-bytes', '9000', '--max-frame-bytes', '4096']);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/^mir-relay: "maxFrameBytes".*\n$/);
  });

  it('says which address is taken, in one line, when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const port = (blocker.address() as { port: number }).port;
    const res = await run('mir-relay', ['--listen', `127.0.0.1:${port}`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`mir-relay: cannot listen on 127.0.0.1:${port}: EADDRINUSE\n`);
  });

  it('prints its usage with --help and exits 0', async () => {
    const res = await run('mir-relay', ['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('usage: mir-relay [--listen HOST:PORT]');
    expect(res.stdout).toContain('--max-blob-bytes');
  });
});
