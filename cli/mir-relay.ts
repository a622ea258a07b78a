#!/usr/bin/env node
/** `mir-relay` — built by its own issue; until then it prints its help. */
process.stdout.write('usage: mir-relay --help (not built yet)\n');
