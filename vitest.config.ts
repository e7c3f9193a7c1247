import { defineConfig } from 'vitest/config'

// chdb binds one data directory per process, so every test file runs in its own fork.
export default defineConfig({
  test: {
    pool: 'forks',
    isolate: true,
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
