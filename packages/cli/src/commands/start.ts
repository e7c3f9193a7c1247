import { createLogger, SiteSchema, type Config } from '@qa/core'
import { runningStore } from '@qa/store'
import { demoSite, startDemoServer } from '../demo-site.ts'
import { onShutdown, firstLoginLine } from '../roles/role-process.ts'
import { openStore, startConfiguredStore } from '../store-access.ts'
import { RoleChild } from '../supervisor/role-child.ts'
import { superviseStore } from '../supervisor/store-supervisor.ts'

const out = (text: string) => process.stdout.write(text)

/**
 * pnpm start: the bundled store process, then the collector, aggregator and dashboard as
 * its clients in processes of their own, supervised: a role that dies is started again.
 * Ctrl-C stops the dashboard, flushes the collector, stops the aggregator, then the store.
 */
export async function startCommand(config: Config): Promise<number> {
  const cfg = config.sites.length > 0 ? config : { ...config, sites: [SiteSchema.parse(demoSite(config.demo.port))] }
  const logger = createLogger(cfg.logLevel)
  const reused = !cfg.clickhouse.url && runningStore(cfg.dataDir) !== undefined
  const store = cfg.clickhouse.url || reused ? undefined : await superviseStore((port) => startConfiguredStore(cfg, port ?? cfg.store.port), logger)
  // Migrations once, before the roles start.
  await (await openStore(cfg)).close()
  const roles = { collector: new RoleChild('collector', cfg, logger), aggregator: new RoleChild('aggregator', cfg, logger), dashboard: new RoleChild('dashboard', cfg, logger) }
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
  const demo = await startDemoServer(cfg.demo.port, collector.url!)
  const demoUrl = `http://127.0.0.1:${(demo.address() as { port: number }).port}/`
  out(
    [
      '',
      `Quiet Analytics is running on ${cfg.clickhouse.url ? `the server ${cfg.clickhouse.url}` : 'the bundled store'}`,
      `  data directory   ${cfg.dataDir}`,
      ...(cfg.clickhouse.url ? [] : [`  store            ${store?.current.url ?? 'already running'} (ClickHouse HTTP, 127.0.0.1 only)`]),
      `  collector        ${collector.url}/api/event (${cfg.collector.processes} process${cfg.collector.processes === 1 ? '' : 'es'})`,
      `  tracker script   ${collector.url}/script.js`,
      `  demo page        ${demoUrl}`,
      `  sites            ${cfg.sites.map((s) => s.domains.join(',')).join(' ')}`,
      `  aggregator       rollups every ${cfg.aggregation.rollupIntervalMs / 1000} s, raw TTL ${cfg.retention.rawTtlHours} h`,
      `  dashboard        ${dashboard.url}/`,
      ...(dashboard.firstAdminPassword ? [firstLoginLine(dashboard.firstAdminPassword)] : []),
      '',
      'Press Ctrl-C to stop (buffered events are flushed first).',
      '',
    ].join('\n'),
  )
  onShutdown(async () => {
    demo.close()
    await stopAll()
  })
  return -1
}
