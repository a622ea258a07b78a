/**
 * WebSocket upgrades (SPEC §3): `/agent/signal` (an agent's registration) and `/registry/watch`.
 * Every check happens before the upgrade, so a refusal is a plain HTTP status the client sees
 * (`unexpected-response` in ws), and a refused request changes nothing.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { AUTH_SIG_HEADER, AUTH_TS_HEADER, AUTH_WINDOW_SECONDS, REGISTRATION_SECRET_HEADER, verifyRegistration } from '../crypto/auth.js';
import { nodeEd25519Verify } from '../crypto/ed25519-node.js';
import { clientIp, frontDoor, openSockets, trackSocketIp, type RelayContext } from './context.js';
import { RELAY_ERRORS, type RelayErrorCode, type RelayErrorInfo } from './errors.js';
import { isMachineId, isWallet } from './validate.js';

/** Writes the refusal as a raw HTTP response on the not-yet-upgraded socket, then closes it. */
function refuse(ctx: RelayContext, req: IncomingMessage, socket: Duplex, code: RelayErrorCode, fields: Record<string, string> = {}): void {
  const info: RelayErrorInfo = RELAY_ERRORS[code];
  const status = info.status ?? 400;
  const body = JSON.stringify({ error: code, message: info.message });
  ctx.log('reject', { reason: code, path: (req.url ?? '').split('?')[0]!.slice(0, 64), ip: clientIp(req, ctx.options.trustProxy), ...fields });
  const retry = code === 'RELAY_ERR_RATE_LIMITED' ? 'Retry-After: 1\r\n' : '';
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n${retry}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** A header's single value, or undefined (a repeated custom header arrives joined by ", "). */
function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

export function createUpgradeHandler(ctx: RelayContext): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { options, sessions, watchers, slots, wss } = ctx;
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const target = frontDoor(ctx, req);
    if ('refuse' in target) return refuse(ctx, req, socket, target.refuse);
    const { path, query } = target;
    const ip = clientIp(req, options.trustProxy);
    if (path !== '/agent/signal' && path !== '/registry/watch') return refuse(ctx, req, socket, 'RELAY_ERR_NOT_FOUND');
    if (req.method !== 'GET') return refuse(ctx, req, socket, 'RELAY_ERR_METHOD_NOT_ALLOWED');

    if (path === '/registry/watch') {
      const wallet = query.get('wallet');
      if (!isWallet(wallet)) return refuse(ctx, req, socket, wallet === undefined ? 'RELAY_ERR_BAD_QUERY' : 'RELAY_ERR_BAD_WALLET');
      if (openSockets(ctx) >= options.maxConnections) return refuse(ctx, req, socket, 'RELAY_ERR_TOO_MANY_CONNECTIONS', { wallet });
      if ((ctx.socketsPerIp.get(ip) ?? 0) >= options.maxConnectionsPerIp) return refuse(ctx, req, socket, 'RELAY_ERR_TOO_MANY_FROM_IP', { wallet });
      if (watchers.count(wallet) >= options.maxWatchersPerWallet) return refuse(ctx, req, socket, 'RELAY_ERR_TOO_MANY_WATCHERS', { wallet });
      return wss.handleUpgrade(req, socket, head, (ws) => {
        trackSocketIp(ctx, ip, ws);
        watchers.accept(ws, wallet);
      });
    }

    const wallet = query.get('owner_id');
    const machineId = query.get('machine_id');
    if (!isWallet(wallet)) return refuse(ctx, req, socket, wallet === undefined ? 'RELAY_ERR_BAD_QUERY' : 'RELAY_ERR_BAD_WALLET');
    if (!isMachineId(machineId)) return refuse(ctx, req, socket, machineId === undefined ? 'RELAY_ERR_BAD_QUERY' : 'RELAY_ERR_BAD_MACHINE_ID', { wallet });
    const slot = `${wallet}|${machineId}`;
    const f = { wallet, machine_id: machineId };
    // A replacement of a live slot does not add a connection, so limits let it through.
    const replacing = sessions.hasLiveOwner(slot);
    if (!replacing && openSockets(ctx) >= options.maxConnections) return refuse(ctx, req, socket, 'RELAY_ERR_TOO_MANY_CONNECTIONS', f);
    if ((ctx.socketsPerIp.get(ip) ?? 0) >= options.maxConnectionsPerIp) return refuse(ctx, req, socket, 'RELAY_ERR_TOO_MANY_FROM_IP', f);

    const secret = header(req, REGISTRATION_SECRET_HEADER);
    if (secret !== undefined && (secret.length === 0 || Buffer.byteLength(secret) > 512)) return refuse(ctx, req, socket, 'RELAY_ERR_BAD_SECRET', f);
    const ts = header(req, AUTH_TS_HEADER);
    const sig = header(req, AUTH_SIG_HEADER);
    let signed = false;
    if (ts !== undefined || sig !== undefined) {
      // Stateless check against the owner_id itself and the clock window (SPEC §3 beyond).
      signed = ts !== undefined && sig !== undefined && verifyRegistration(wallet, machineId, ts, sig, options.nowSeconds(), AUTH_WINDOW_SECONDS, nodeEd25519Verify);
      if (!signed) return refuse(ctx, req, socket, 'RELAY_ERR_AUTH_INVALID', f);
    }
    // A wallet full of a stranger's unsigned sockets must not lock its owner out: only the wallet
    // holder can sign, so a signed registration is never refused for a full wallet (it is still
    // bounded by maxConnections).
    if (!replacing && !signed && sessions.liveCount(wallet) >= options.maxConnectionsPerWallet) return refuse(ctx, req, socket, 'RELAY_ERR_WALLET_FULL', f);
    if (!signed && sessions.ownerSigned(slot)) return refuse(ctx, req, socket, 'RELAY_ERR_AUTH_REQUIRED', f);
    const denied = slots.admit(slot, secret, signed, options.requireWalletAuth);
    if (denied) return refuse(ctx, req, socket, denied, f);

    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.log('register', { ...f, signed, secret: secret !== undefined, replacing });
      trackSocketIp(ctx, ip, ws);
      sessions.accept(ws, wallet, machineId, signed);
    });
  };
}
