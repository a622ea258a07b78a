/**
 * Plain HTTP routes (SPEC §3): `/healthz`, `GET /registry?wallet=`, the page at `/`, and a clear
 * refusal for everything else (404 unknown path, 405 wrong method, 426 a WebSocket path without
 * an upgrade, 400/414/429 from the front door). Errors are JSON `{"error":code,"message":…}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { frontDoor, clientIp, type RelayContext } from './context.js';
import { RELAY_ERRORS, type RelayErrorCode, type RelayErrorInfo } from './errors.js';
import { serveStatic } from './static.js';
import { isWallet } from './validate.js';

const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };

/** Answers with an error code's status and a one-line JSON body; logs the reject. */
export function sendError(ctx: RelayContext, req: IncomingMessage, res: ServerResponse, code: RelayErrorCode, extra: Record<string, string> = {}): void {
  const info: RelayErrorInfo = RELAY_ERRORS[code];
  const body = JSON.stringify({ error: code, message: info.message });
  ctx.log('reject', { reason: code, method: req.method, path: (req.url ?? '').split('?')[0]!.slice(0, 64), ip: clientIp(req, ctx.options.trustProxy) });
  res.writeHead(info.status ?? 400, { ...BASE_HEADERS, ...extra, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendBody(req: IncomingMessage, res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const READ = new Set(['GET', 'HEAD']);

export function createRequestHandler(ctx: RelayContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const target = frontDoor(ctx, req);
    if ('refuse' in target) return sendError(ctx, req, res, target.refuse, target.refuse === 'RELAY_ERR_RATE_LIMITED' ? { 'Retry-After': '1' } : {});
    const { path, query } = target;
    const readOnly = (then: () => void) => (READ.has(req.method ?? '') ? then() : sendError(ctx, req, res, 'RELAY_ERR_METHOD_NOT_ALLOWED', { Allow: 'GET, HEAD' }));
    switch (path) {
      case '/healthz':
        return readOnly(() => sendBody(req, res, 'text/plain; charset=utf-8', 'ok\n'));
      case '/registry':
        return readOnly(() => {
          const wallet = query.get('wallet');
          if (!isWallet(wallet)) return sendError(ctx, req, res, wallet === undefined ? 'RELAY_ERR_BAD_QUERY' : 'RELAY_ERR_BAD_WALLET');
          sendBody(req, res, 'application/json', ctx.presence.listJson(wallet));
        });
      case '/agent/signal':
      case '/registry/watch':
        return req.method === 'GET' ? sendError(ctx, req, res, 'RELAY_ERR_UPGRADE_REQUIRED', { Upgrade: 'websocket' }) : sendError(ctx, req, res, 'RELAY_ERR_METHOD_NOT_ALLOWED', { Allow: 'GET' });
    }
    const isPage = path === '/' || ctx.site?.has(path) === true;
    if (!isPage) return sendError(ctx, req, res, 'RELAY_ERR_NOT_FOUND');
    if (!READ.has(req.method ?? '')) return sendError(ctx, req, res, 'RELAY_ERR_METHOD_NOT_ALLOWED', { Allow: 'GET, HEAD' });
    if (!serveStatic(ctx.site, path, req, res)) sendError(ctx, req, res, 'RELAY_ERR_NOT_FOUND');
  };
}
