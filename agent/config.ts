/**
 * agent.json (SPEC §5, issue #4): created on first run — machine_id, host X25519 keypair,
 * registration secret, name (the host name unless --name), relay URL — atomically and 0600;
 * reused on later runs; `--name` / `--relay` given on the command line update it.
 */
import { hostname } from 'node:os';
import { hex, randomBytes } from '../crypto/bytes.js';
import { newHostKeypair, newMachineId } from '../crypto/host.js';
import { MAX_NAME_CHARS, nameProblem } from '../crypto/record.js';
import { UserError } from '../common/errors.js';
import { agentPath, readAgentFile, writeAgentFile, type AgentFile } from '../home/files.js';
import { ensureHome } from '../home/home.js';

/** A name that passes `nameProblem` made from a host name: controls stripped, cut to 64. */
export function defaultAgentName(host: string = hostname()): string {
  const isControl = (ch: string) => {
    const cp = ch.codePointAt(0)!;
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
  };
  const cleaned = [...host].filter((ch) => !isControl(ch)).join('').trim();
  const cut = [...cleaned].slice(0, MAX_NAME_CHARS).join('').trim();
  return nameProblem(cut) === null ? cut : 'mir-agent';
}

/** A fresh identity for a new agent home. */
export function newAgentFile(name: string, relayUrl: string): AgentFile {
  const host = newHostKeypair();
  return {
    machine_id: newMachineId(),
    name,
    host_private: hex.encode(host.privateKey),
    host_pub: hex.encode(host.publicKey),
    registration_secret: hex.encode(randomBytes(32)),
    relay_url: relayUrl,
  };
}

export interface AgentSetup {
  file: AgentFile;
  /** True when this run made agent.json. */
  created: boolean;
  /** The fields this run changed in an existing agent.json (from flags). */
  updated: Array<'name' | 'relay_url'>;
}

/**
 * Loads agent.json from `home`, or creates it. `name` / `relayUrl` are the command-line
 * values (already checked); when given they win and are written back. `defaultRelayUrl` is
 * asked only when creating ($MIR_RELAY or the SPEC §6 default), so a stale $MIR_RELAY cannot
 * break an agent that already has its relay.
 */
export function loadOrCreateAgentFile(home: string, opts: { name?: string; relayUrl?: string; defaultRelayUrl: string | (() => string) }): AgentSetup {
  const existing = readAgentFile(home);
  if (!existing) {
    ensureHome(home);
    const fallback = typeof opts.defaultRelayUrl === 'function' ? opts.defaultRelayUrl : () => opts.defaultRelayUrl as string;
    const file = newAgentFile(opts.name ?? defaultAgentName(), opts.relayUrl ?? fallback());
    writeAgentFile(home, file);
    return { file, created: true, updated: [] };
  }
  const updated: AgentSetup['updated'] = [];
  let file = existing;
  if (opts.name !== undefined && opts.name !== file.name) {
    file = { ...file, name: opts.name };
    updated.push('name');
  }
  if (opts.relayUrl !== undefined && opts.relayUrl !== file.relay_url) {
    file = { ...file, relay_url: opts.relayUrl };
    updated.push('relay_url');
  }
  if (updated.length > 0) writeAgentFile(home, file);
  return { file, created: false, updated };
}

/** `mir-agent rename NAME`: rewrites agent.json atomically; a running agent notices the file. */
export function renameAgent(home: string, name: string): AgentFile {
  const problem = nameProblem(name);
  if (problem) throw new UserError(`${problem}: ${JSON.stringify(name)}`, 2);
  const file = readAgentFile(home);
  if (!file) throw new UserError(`no agent in ${home} (no ${agentPath(home)}): run \`mir-agent --home ${home}\` first`);
  const next = { ...file, name };
  if (file.name !== name) writeAgentFile(home, next);
  return next;
}
