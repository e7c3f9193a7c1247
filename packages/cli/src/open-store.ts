import { createStore, migrate, type Config, type Store } from '@qa/core'

/** Opens the configured store with migrations applied, runs `work`, and closes it. */
export async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config)
  try {
    return await work(store)
  } finally {
    await store.close()
  }
}

export async function openStore(config: Config): Promise<Store> {
  const store = await createStore(config)
  await migrate(store.client, config.server.cluster ? { cluster: config.server.cluster } : {})
  return store
}
