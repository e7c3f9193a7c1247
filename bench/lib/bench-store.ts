import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, type Config, type ConfigInput } from '@quiet-analytics/core'
import { connectStore, migrate, startStoreProcess, type Store, type StoreRole } from '@quiet-analytics/store'

export interface BenchStore {
  config: Config
  /** The writer's connection, migrated. */
  store: Store
  /** Another connection, as a role connects (the dashboard reads as its own user). */
  connect(role: StoreRole): Promise<Store>
  close(): Promise<void>
}

/** A bundled store process on a fresh data directory, as `pnpm start` runs it. */
export async function openBenchStore(name: string, overrides: ConfigInput = {}): Promise<BenchStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `qa-bench-${name}-`))
  const config = loadConfig({}, { dataDir, logLevel: 'silent', ...overrides })
  const engine = await startStoreProcess({ dataDir, database: config.clickhouse.database, httpPort: 0, dashboardUser: config.server.dashboardUser })
  // The aggregator's own connection: a big seeded day's rollup runs statements of minutes.
  const store = await connectStore(config, 'writer', { requestTimeoutMs: 60 * 60_000 })
  await migrate(store.client)
  const others: Store[] = []
  return {
    config,
    store,
    connect: async (role) => {
      const s = await connectStore(config, role)
      others.push(s)
      return s
    },
    close: async () => {
      for (const s of [store, ...others]) await s.close()
      await engine.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
