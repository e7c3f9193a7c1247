import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createLogger, createStore, migrate, type Config, type Logger, type Store } from '@qa/core'
import { createCollector, createStandaloneServer, type Collector } from '@qa/collector'

export interface RunningCollector {
  store: Store
  collector: Collector
  server: Server
  url: string
  logger: Logger
  stop(): Promise<void>
}

/** Opens the store, applies migrations, and serves the standalone collector. */
export async function runCollector(config: Config): Promise<RunningCollector> {
  const logger = createLogger(config.logLevel)
  const store = await createStore(config)
  await migrate(store.client)
  const collector = createCollector({ config, store, logger })
  await collector.prepareSalts()
  const server = createStandaloneServer(collector)
  await new Promise<void>((resolve) => server.listen(config.collector.port, config.collector.host, resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://${config.collector.host}:${port}`
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      server.close()
      server.closeIdleConnections()
      await collector.close()
      await store.close()
    })())
  return { store, collector, server, url, logger, stop }
}
