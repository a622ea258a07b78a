// The browser page served by the relay (SPEC §1, issue #3): only the files of webDir, with
// content types, precomputed gzip and a strict CSP; a clear 404 when the page is not built.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CONTENT_SECURITY_POLICY } from '../../relay/static.js';
import { cleanup, cleanups, relay } from './helpers.js';

afterEach(cleanup);

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

function site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mir-web-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>mir</title><script src="app.js"></script>');
  writeFileSync(join(dir, 'app.js'), `console.log(${JSON.stringify('x'.repeat(2000))});\n`);
  writeFileSync(join(dir, 'app.css'), 'body { color: black }\n');
  mkdirSync(join(dir, 'img'));
  writeFileSync(join(dir, 'img', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

describe('the page at /', () => {
  it('serves index.html at / and each built file with its content type and the strict headers', async () => {
    const r = await relay({ webDir: site() });
    const index = await get(`${r.httpUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body.toString()).toContain('<title>mir</title>');
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get(`${r.httpUrl}/app.css`)).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(`${r.httpUrl}/img/logo.svg`)).headers['content-type']).toBe('image/svg+xml');
    expect((await get(`${r.httpUrl}/missing.js`)).status).toBe(404);
  });

  it('sends the precomputed gzip only to clients that accept it', async () => {
    const r = await relay({ webDir: site() });
    const plain = await get(`${r.httpUrl}/app.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const gz = await get(`${r.httpUrl}/app.js`, { 'Accept-Encoding': 'gzip, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gz.body.length).toBeLessThan(plain.body.length);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it('answers / with a one-line 404 naming npm run build when the page is not built', async () => {
    const r = await relay({ webDir: join(tmpdir(), 'mir-no-such-web-dir') });
    const res = await get(`${r.httpUrl}/`);
    expect(res.status).toBe(404);
    expect(res.body.toString()).toMatch(/^the web page is not built \(run `npm run build`\)\n$/);
    expect((await get(`${r.httpUrl}/healthz`)).status).toBe(200);
  });
});
