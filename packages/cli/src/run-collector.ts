import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { Config, Logger, Metrics, Store } from '@qa/core'
import { createCollector, createStandaloneServer, type Collector } from '@qa/collector'

export interface RunningCollector {
  collector: Collector
  server: Server
  url: string
  stop(): Promise<void>
}

/** Serves the standalone collector on an open store. */
export async function runCollector(config: Config, store: Store, logger: Logger, metrics?: Metrics): Promise<RunningCollector> {
  const collector = createCollector({ config, store, logger, ...(metrics ? { metrics } : {}) })
  await collector.prepareSalts()
  const server = createStandaloneServer(collector, { metricsToken: config.metricsToken })
  await new Promise<void>((resolve) => server.listen(config.collector.port, config.collector.host, resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://${config.collector.host}:${port}`
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      server.close()
      server.closeIdleConnections()
      await collector.close()
    })())
  return { collector, server, url, stop }
}
