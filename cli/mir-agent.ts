#!/usr/bin/env node
/** `mir-agent` — built by its own issue; until then it prints its help. */
process.stdout.write('usage: mir-agent --help (not built yet)\n');
