import cluster, { type Worker } from 'node:cluster'
import type { AddressInfo } from 'node:net'
import { createLogger, type Config, type Logger, type Metrics } from '@quiet-analytics/core'
import { createCollector, createStandaloneServer } from '@quiet-analytics/collector'
import { openStore } from '../store-access.ts'
import { SUPERVISED_ENV, type RoleMessage, type RunningRole } from './role-process.ts'

const INDEX_ENV = 'QA_COLLECTOR_INDEX'

/** One collector process: its own store connection, spool slot and server. */
export async function startCollector(config: Config, opts: { logger?: Logger; metrics?: Metrics; slot?: { index: number; count: number } } = {}): Promise<RunningRole> {
  const store = await openStore(config)
  const logger = opts.logger ?? createLogger(config.logLevel)
  const collector = createCollector({ config, store, logger, ...(opts.metrics ? { metrics: opts.metrics } : {}), ...(opts.slot ? { slot: opts.slot } : {}) })
  await collector.prepareSalts()
  const server = createStandaloneServer(collector, { metricsToken: config.metricsToken })
  await new Promise<void>((resolve) => server.listen(config.collector.port, config.collector.host, resolve))
  const { port } = server.address() as AddressInfo
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      server.close()
      server.closeIdleConnections()
      await collector.close()
      await store.close()
    })())
  return { url: `http://${config.collector.host}:${port}`, stop }
}

/** This process is a collector of a node:cluster: its slot among the processes sharing the port. */
export function collectorWorkerSlot(config: Config): { index: number; count: number } | undefined {
  return cluster.isWorker ? { index: Number(process.env[INDEX_ENV] ?? 0), count: config.collector.processes } : undefined
}

/**
 * The collector as `collector.processes` processes sharing one port (node:cluster hands
 * connections to them in turn), each with its own spool slot. A worker that dies is
 * started again in the same slot; stopping flushes every worker.
 */
export async function startCollectorProcesses(config: Config): Promise<RunningRole> {
  const count = config.collector.processes
  if (count === 1) return startCollector(config)
  // Migrations once, before the workers race to them.
  await (await openStore(config)).close()
  const logger = createLogger(config.logLevel)
  const workers = new Map<number, Worker>()
  let stopping = false
  let url: string | undefined
  const fork = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const worker = cluster.fork({ [SUPERVISED_ENV]: '1', [INDEX_ENV]: String(index) })
      workers.set(index, worker)
      worker.on('message', (m: RoleMessage) => {
        if (m.type === 'config?') worker.send({ type: 'config', config } satisfies RoleMessage)
        if (m.type !== 'ready') return
        url ??= m.url
        resolve()
      })
      worker.once('exit', (code, signal) => {
        if (stopping) return
        reject(new Error(`collector process ${index} exited (${signal ?? code}) while starting`))
        logger.error({ index, code, signal }, 'collector process exited: starting it again')
        setTimeout(() => void fork(index).catch((err: Error) => logger.error({ err: { message: err.message } }, 'collector process restart failed')), 1000).unref()
      })
    })
  await Promise.all(Array.from({ length: count }, (_, i) => fork(i)))
  return {
    ...(url ? { url } : {}),
    stop: async () => {
      stopping = true
      await Promise.all(
        [...workers.values()].map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve()
              w.once('exit', () => resolve())
              w.process.kill('SIGTERM')
            }),
        ),
      )
    },
  }
}
