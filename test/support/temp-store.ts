import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, type Config, type ConfigInput } from '@quiet-analytics/core'
import { connectStore, migrate, startStoreProcess, type Store, type StoreProcess } from '@quiet-analytics/store'

function assertTest(): void {
  if (!process.env.VITEST) throw new Error('test helpers refuse to run outside vitest')
}

export const TEST_SITE = { id: 'test', domains: ['test.example'], timezone: 'UTC', allowedOrigins: ['https://test.example'] }

/**
 * A config for tests: its own data directory, the test site, quick flushes. With
 * CLICKHOUSE_URL set (a ClickHouse server), its own database on that server instead.
 */
export function testConfig(overrides: ConfigInput = {}): Config {
  assertTest()
  const dataDir = mkdtempSync(join(tmpdir(), 'qa-test-'))
  const server = process.env.CLICKHOUSE_URL
  return loadConfig({}, {
    dataDir,
    sites: [TEST_SITE],
    logLevel: 'silent',
    ...(server ? { clickhouse: { url: server, user: process.env.CLICKHOUSE_USER ?? 'default', password: process.env.CLICKHOUSE_PASSWORD ?? '', database: `qa_test_${randomBytes(6).toString('hex')}` } } : {}),
    ...overrides,
    collector: { port: 0, flushIntervalMs: 100, processes: 1, ...overrides.collector },
  })
}

export type TempStore = Store & { config: Config; engine?: StoreProcess; destroy(): Promise<void> }

/** The config's store process (port 0: a free one), as the product starts it. */
export function startTestStoreProcess(config: Config, opts: { tcpPort?: number } = {}): Promise<StoreProcess> {
  return startStoreProcess({ dataDir: config.dataDir, database: config.clickhouse.database, httpPort: 0, dashboardUser: config.server.dashboardUser, ...opts })
}

/**
 * A migrated store of its own: a store process on the config's data directory (or a
 * database of its own on the CLICKHOUSE_URL server). `destroy` stops it and deletes it.
 */
export async function tempStore(config: Config = testConfig()): Promise<TempStore> {
  assertTest()
  const engine = config.clickhouse.url ? undefined : await startTestStoreProcess(config)
  const store = await connectStore(config)
  await migrate(store.client)
  // Tests date their traffic on fixed days, which the calendar leaves behind: the TTL
  // backstops (on real time) would delete those rows in background merges mid-test.
  // The clauses stay (the audit checks them); only their merges are off in a test store.
  for (const table of ['raw_hits', 'salts', 'leases', 'agg_realtime']) {
    await store.client.command({ query: `SYSTEM STOP TTL MERGES ${config.clickhouse.database}.${table}` })
  }
  const temp: TempStore = {
    ...store,
    config,
    ...(engine ? { engine } : {}),
    destroy: async () => {
      if (config.clickhouse.url) await store.client.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` })
      await store.close()
      // A test may have replaced the engine (a restart): stop the one running now.
      await temp.engine?.stop()
      if (!config.dataDir.startsWith(tmpdir())) throw new Error(`refusing to delete ${config.dataDir}: not a temp directory`)
      rmSync(config.dataDir, { recursive: true, force: true })
    },
  }
  return temp
}

export async function rows<T>(store: Store, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const r = await store.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return r.json<T>()
}
