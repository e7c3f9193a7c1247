import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createLogger, type Clock, type Config } from '@quiet-analytics/core'
import { createCollector, createStandaloneServer, type Collector } from '@quiet-analytics/collector'
import { tempStore } from './temp-store.ts'

export const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

export interface TestCollector {
  store: TempStore
  collector: Collector
  server: Server
  url: string
  post(body: unknown, headers?: Record<string, string>): Promise<Response>
  stop(): Promise<void>
}

type TempStore = Awaited<ReturnType<typeof tempStore>>

/**
 * The standalone collector on a fresh embedded store (or on `shared`, which it then
 * leaves open: chdb allows one data directory per process), on a free loopback port;
 * on `clock` when a test moves time.
 */
export async function startTestCollector(config?: Config, shared?: TempStore, clock?: Clock): Promise<TestCollector> {
  const store = shared ?? (await tempStore(config))
  const collector = createCollector({ config: config ?? store.config, store, logger: createLogger('silent'), ...(clock ? { clock } : {}) })
  const server = createStandaloneServer(collector)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    store,
    collector,
    server,
    url,
    post: (body, headers = {}) =>
      fetch(`${url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA, ...headers },
        body: typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body) : JSON.stringify(body),
      }),
    stop: async () => {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      await collector.close()
      if (!shared) await store.destroy()
    },
  }
}
