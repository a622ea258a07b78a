#!/usr/bin/env node
/** `npm start`: the demo (issue #8). Until it exists, the help of every command. */
process.stdout.write('mir registry: npm run mir -- --help, npm run mir-relay -- --help\n');
