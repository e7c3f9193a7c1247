import { createLogger, type Config } from '@quiet-analytics/core'
import { runningStore } from '@quiet-analytics/store'
import { startDemoServer, withDemoSite } from '../demo-site.ts'
import { onShutdown } from '../roles/role-process.ts'
import { startBanner } from './start-banner.ts'
import { openStore, startConfiguredStore } from '../store-access.ts'
import { RoleChild } from '../supervisor/role-child.ts'
import { superviseStore } from '../supervisor/store-supervisor.ts'

/**
 * pnpm start: the bundled store process, then the collector, aggregator and dashboard as
 * its clients in processes of their own, supervised: a role that dies is started again.
 * Ctrl-C stops the dashboard, flushes the collector, stops the aggregator, then the store.
 */
export async function startCommand(config: Config): Promise<number> {
  const cfg = withDemoSite(config)
  const logger = createLogger(cfg.logLevel)
  const reused = !cfg.clickhouse.url && runningStore(cfg.dataDir) !== undefined
  const store = cfg.clickhouse.url || reused ? undefined : await superviseStore((port) => startConfiguredStore(cfg, port ?? cfg.store.port), logger)
  // Migrations once, before the roles start.
  await (await openStore(cfg)).close()
  const roles = { collector: new RoleChild('collector', cfg, logger), aggregator: new RoleChild('aggregator', cfg, logger), dashboard: new RoleChild('dashboard', cfg, logger) }
  roles.dashboard.onMessage = (m) => {
    if (m.type === 'audit-request') roles.aggregator.send(m)
  }
  const stopAll = async () => {
    await roles.dashboard.stop()
    await roles.collector.stop()
    await roles.aggregator.stop()
    await store?.stop()
  }
  let collector, dashboard
  try {
    ;[collector, , dashboard] = await Promise.all([roles.collector.start(), roles.aggregator.start(), roles.dashboard.start()])
  } catch (err) {
    await stopAll()
    throw err
  }
  // The demo page sends to the demo site only: with sites configured it would collect nothing.
  const demo = config.sites.length === 0 ? await startDemoServer(cfg.demo.port, collector.url!) : undefined
  process.stdout.write(
    startBanner(cfg, {
      store: cfg.clickhouse.url ? undefined : (store?.current.url ?? 'already running'),
      collector: collector.url!,
      dashboard: dashboard.url!,
      demo: demo && `http://127.0.0.1:${(demo.address() as { port: number }).port}/`,
      firstAdminPassword: dashboard.firstAdminPassword,
    }),
  )
  onShutdown(async () => {
    demo?.close()
    await stopAll()
  })
  return -1
}
