#!/usr/bin/env node
/** `mir-tui` — built by its own issue; until then it prints its help. */
process.stdout.write('usage: mir-tui --help (not built yet)\n');
