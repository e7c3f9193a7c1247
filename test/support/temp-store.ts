import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore, loadConfig, migrate, type Config, type ConfigInput, type Store } from '@qa/core'

function assertTest(): void {
  if (!process.env.VITEST) throw new Error('test helpers refuse to run outside vitest')
}

export const TEST_SITE = { id: 'test', domains: ['test.example'], timezone: 'UTC', allowedOrigins: ['https://test.example'] }

/** A config for tests: its own data directory, the test site, quick flushes. */
export function testConfig(overrides: ConfigInput = {}): Config {
  assertTest()
  const dataDir = mkdtempSync(join(tmpdir(), 'qa-test-'))
  return loadConfig({}, {
    dataDir,
    sites: [TEST_SITE],
    logLevel: 'silent',
    ...overrides,
    collector: { port: 0, flushIntervalMs: 100, ...overrides.collector },
  })
}

/** A migrated embedded store in a fresh directory; `destroy` closes it and deletes the directory. */
export async function tempStore(config: Config = testConfig()): Promise<Store & { config: Config; destroy(): Promise<void> }> {
  assertTest()
  const store = await createStore(config)
  await migrate(store.client)
  return {
    ...store,
    config,
    destroy: async () => {
      await store.close()
      if (!config.dataDir.startsWith(tmpdir())) throw new Error(`refusing to delete ${config.dataDir}: not a temp directory`)
      rmSync(config.dataDir, { recursive: true, force: true })
    },
  }
}

export async function rows<T>(store: Store, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const r = await store.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return r.json<T>()
}
