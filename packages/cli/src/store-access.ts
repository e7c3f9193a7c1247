import { connectStore, migrate, runningStore, startStoreProcess, type Store, type StoreProcess, type StoreRole } from '@quiet-analytics/store'
import type { Config } from '@quiet-analytics/core'

/** The bundled store process for this configuration. */
export function startConfiguredStore(config: Config, httpPort = config.store.port): Promise<StoreProcess> {
  return startStoreProcess({
    dataDir: config.dataDir,
    database: config.clickhouse.database,
    httpPort,
    ...(config.store.tcpPort === undefined ? {} : { tcpPort: config.store.tcpPort }),
    dashboardUser: config.server.dashboardUser,
  })
}

/** Connects as `role`; the writer applies pending migrations first unless told not to. */
export async function openStore(config: Config, role: StoreRole = 'writer', opts: { migrate?: boolean; tag?: string; requestTimeoutMs?: number } = {}): Promise<Store> {
  const store = await connectStore(config, role, { ...(opts.tag ? { tag: opts.tag } : {}), ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}) })
  if (role === 'writer' && opts.migrate !== false) await migrate(store.client, config.server.cluster ? { cluster: config.server.cluster } : {})
  return store
}

/**
 * Runs one `qa` command's work on the live store: the server at CLICKHOUSE_URL, or the
 * store process running on DATA_DIR, or, when none runs, one started for the command's
 * duration and stopped after it.
 */
export async function withStore<T>(config: Config, work: (store: Store) => Promise<T>, opts: { role?: StoreRole; migrate?: boolean; tag?: string; requestTimeoutMs?: number } = {}): Promise<T> {
  const own = config.clickhouse.url || runningStore(config.dataDir) ? undefined : await startConfiguredStore(config, 0)
  try {
    const store = await openStore(config, opts.role, opts)
    try {
      return await work(store)
    } finally {
      await store.close()
    }
  } finally {
    await own?.stop()
  }
}
