import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Builds the page exactly as `npm run build` does, into a temp folder, and checks what the CSP
// (script-src 'self'; style-src 'self'; connect-src 'self'; no third-party origin) will demand.
let out = '';
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'mir-web-'));
  await promisify(execFile)(process.execPath, ['web/build.mjs', out], { timeout: 25_000 });
}, 30_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('the page bundle', () => {
  it('has index.html, app.js and app.css and nothing else', async () => {
    expect((await readdir(out)).sort()).toEqual(['app.css', 'app.js', 'index.html']);
  });

  it('loads its script and stylesheet from its own origin only, with no inline code', async () => {
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect([...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1])).toEqual(['']);
    expect(html).toContain('<script src="app.js" defer>');
    expect(html).toContain('<link rel="stylesheet" href="app.css">');
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|javascript:/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  it('bundles no eval, no third-party URL and no Node built-in into app.js', async () => {
    const js = await readFile(join(out, 'app.js'), 'utf8');
    // Matches only, so a failure names the culprit instead of printing the whole bundle.
    const found = (re: RegExp): string[] => js.match(re) ?? [];
    expect(found(/\beval\(|new Function\(/g)).toEqual([]);
    expect(found(/https?:\/\/[a-z][^"'`\s)]*/gi)).toEqual([]);
    expect(found(/require\(|["']node:[a-z]+/g)).toEqual([]);
    expect(found(/\n {2,}\S|sourceMappingURL/g)).toEqual([]); // minified, no map
  });

  it('keeps the stylesheet free of remote fonts or imports', async () => {
    const css = await readFile(join(out, 'app.css'), 'utf8');
    expect(css).not.toMatch(/@import|url\(/);
  });
});
