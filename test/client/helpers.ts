/** Shared pieces for the client tests: a real relay, raw agents, homes, waiting. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { silentLogger } from '../../common/log.js';
import { hex, randomBytes } from '../../crypto/bytes.js';
import { newHostKeypair, newMachineId } from '../../crypto/host.js';
import { type DeviceRecord } from '../../crypto/record.js';
import { sealDevice } from '../../crypto/registry.js';
import { type Wallet } from '../../crypto/wallet.js';
import { startRelay, type RelayHandle } from '../../relay/server.js';

export { hex, randomBytes, newMachineId };

/** A real relay on loopback, quiet, grace 0 so a leaving agent leaves at once. */
export function testRelay(extra: Record<string, unknown> = {}): Promise<RelayHandle> {
  return startRelay({ port: 0, graceSeconds: 0, log: silentLogger, statsSeconds: 0, ...extra });
}

export function record(name: string, ts = Math.floor(Date.now() / 1000), signal_url = 'ws://127.0.0.1:1'): DeviceRecord {
  return { v: 1, name, host_pub: hex.encode(newHostKeypair().publicKey), signal_url, ts };
}

/** An agent as seen on the wire: one registration socket publishing whatever blob we hand it. */
export interface RawAgent {
  readonly machineId: string;
  publish(blob: string): void;
  close(): Promise<void>;
}

/** Connects `/agent/signal` for (owner, machine_id) and publishes `blob` (SPEC §3). */
export async function rawAgent(relayUrl: string, owner: string, machineId: string, blob: string): Promise<RawAgent> {
  const ws = new WebSocket(`${relayUrl}/agent/signal?owner_id=${owner}&machine_id=${machineId}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve()); // {"type":"ready"}
    ws.once('error', reject);
  });
  const publish = (b: string) => ws.send(JSON.stringify({ type: 'registry', registry: b }));
  publish(blob);
  return {
    machineId,
    publish,
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.send(JSON.stringify({ type: 'bye' }));
        ws.close();
      }),
  };
}

/** A raw agent publishing a genuine record of `wallet`. */
export function sealedAgent(relayUrl: string, wallet: Wallet, rec: DeviceRecord, machineId = newMachineId()): Promise<RawAgent> {
  return rawAgent(relayUrl, wallet.address, machineId, sealDevice(wallet.registryKey, rec, machineId));
}

/** GET /registry until `ok(entries)` holds (the relay has stored what the agents sent). */
export async function waitRegistry(httpUrl: string, wallet: string, ok: (ids: string[]) => boolean, ms = 5000): Promise<void> {
  await until(async () => {
    const res = await fetch(`${httpUrl}/registry?wallet=${wallet}`);
    const body = (await res.json()) as Array<{ machine_id: string }>;
    return ok(body.map((e) => e.machine_id));
  }, ms);
}

/** Polls `cond` every 10 ms until it holds, or fails after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'mir-client-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
