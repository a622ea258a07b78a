import { defineConfig } from 'vitest/config';

// Each test file bounds its own time; these are only the outer guards.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two cores: real relays, agents and browsers in parallel files fight for CPU.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
