/**
 * The browser page (SPEC §1: served by the relay at `/`): the files of `webDir`, read once at
 * start, gzipped once, served with a strict CSP. Only files present at start are served, so no
 * request path ever reaches the file system.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers on every page response (and on the relay's other answers too). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

interface StaticFile {
  type: string;
  body: Buffer;
  gzip: Buffer | null;
}

/** The page's files by URL path, or null when the folder does not exist (page not built). */
export function loadSite(dir: string): Map<string, StaticFile> | null {
  try {
    if (!statSync(dir).isDirectory()) return null;
  } catch {
    return null;
  }
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, ent.name);
      if (ent.name.startsWith('.')) continue;
      if (ent.isDirectory()) walk(full);
      else if (ent.isFile()) {
        const body = readFileSync(full);
        const type = TYPES[extname(ent.name).toLowerCase()] ?? 'application/octet-stream';
        // Compress once at start; skip what gzip cannot shrink (images, tiny files).
        const gz = body.length > 256 ? gzipSync(body, { level: 9 }) : null;
        files.set('/' + relative(dir, full).split(sep).join('/'), { type, body, gzip: gz && gz.length < body.length ? gz : null });
      }
    }
  };
  walk(dir);
  return files;
}

const NOT_BUILT = 'the web page is not built (run `npm run build`)\n';

/** Answers GET/HEAD for a page path; false when the path is not a page file (the caller 404s). */
export function serveStatic(site: Map<string, StaticFile> | null, path: string, req: IncomingMessage, res: ServerResponse): boolean {
  const key = path === '/' ? '/index.html' : path;
  if (!site) {
    if (path !== '/') return false;
    res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(NOT_BUILT) });
    res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
    return true;
  }
  const file = site.get(key);
  if (!file) return false;
  const gz = file.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gz ? file.gzip! : file.body;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': file.type,
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding',
    ...(gz ? { 'Content-Encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
