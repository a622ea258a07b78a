#!/usr/bin/env node
// The model-based coverage gate (issue #8): for every machine in machines/, the transitions its
// model-based tests walked against the real shell, out of the transitions its chart defines.
// Reports come from the test run (test/model/transition-coverage.ts); a machine with no report,
// or below 100%, fails.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';

const dir = join(process.cwd(), 'test-results', 'model-coverage');
const machines = readdirSync('machines').filter((f) => /Machine\.ts$/.test(f)).map((f) => basename(f, '.ts'));
let failed = 0;
console.log('model-based transition coverage (transitions walked / transitions defined)');
for (const m of machines) {
  const file = join(dir, `${m}.json`);
  if (!existsSync(file)) {
    console.log(`  ${m.padEnd(24)} no report: no model-based test wrote ${file}`);
    failed++;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const pct = r.defined === 0 ? 100 : (100 * r.covered) / r.defined;
  console.log(`  ${m.padEnd(24)} ${String(r.covered).padStart(3)} / ${String(r.defined).padEnd(3)} ${pct.toFixed(1)}%`);
  for (const t of r.missing) console.log(`      not walked: ${t}`);
  if (r.covered < r.defined) failed++;
}
if (machines.length === 0) { console.log('  no machines found in machines/'); failed++; }
console.log(failed ? `model coverage: ${failed} machine(s) below 100%` : 'model coverage: every transition of every machine walked');
process.exit(failed ? 1 : 0);
