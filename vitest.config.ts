import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    // tfjs keeps a global engine per process; separate forks keep backends apart.
    pool: 'forks',
  },
});
