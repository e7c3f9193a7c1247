import { defineConfig } from 'vitest/config'

// chdb binds one data directory per process, so every test file runs in its own fork.
export default defineConfig({
  test: {
    pool: 'forks',
    isolate: true,
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // The JSON report gives .ci/run its "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest.json' },
    hookTimeout: 60_000,
  },
})
