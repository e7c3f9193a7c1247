import type { Config } from '@quiet-analytics/core'
import { onShutdown } from '../roles/role-process.ts'
import { openStore, startConfiguredStore } from '../store-access.ts'

/** qa store: the bundled engine as a ClickHouse HTTP server on DATA_DIR, in the foreground. */
export async function storeCommand(config: Config): Promise<number> {
  if (config.clickhouse.url) {
    process.stderr.write('CLICKHOUSE_URL is set: the store is that server, there is no bundled store to run\n')
    return 2
  }
  const store = await startConfiguredStore(config)
  await (await openStore(config)).close()
  process.stdout.write(`store listening on ${store.url} (data directory ${config.dataDir})\n`)
  let stopping = false
  void store.exited.then((code) => {
    if (stopping) return
    process.stderr.write(`the engine exited unexpectedly (code ${code})\n`)
    process.exit(1)
  })
  onShutdown(async () => {
    stopping = true
    await store.stop()
  })
  return -1
}
