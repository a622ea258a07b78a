// Bundles the browser page (issue #7) into dist/web/: index.html, app.js, app.css. Everything is
// same-origin and static so the relay can serve it under a strict CSP (no inline script or style,
// no eval, no third-party origin). The page imports crypto/ and client/ directly: one copy of the
// @noble / @scure code, tree-shaken into app.js.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `node web/build.mjs [OUT_DIR]`: dist/web by default; tests build into a temp folder.
const out = process.argv[2] ?? join(root, 'dist', 'web');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await build({
  entryPoints: [
    { in: join(root, 'web', 'main.ts'), out: 'app' },
    { in: join(root, 'web', 'app.css'), out: 'app' },
  ],
  outdir: out,
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.css': 'css' },
});
await copyFile(join(root, 'web', 'index.html'), join(out, 'index.html'));
