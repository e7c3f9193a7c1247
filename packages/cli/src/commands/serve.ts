import { createLogger, createMetrics, createStore, SiteSchema, type Config, type Logger, type Store } from '@qa/core'
import { Aggregator } from '@qa/aggregator'
import { startDashboard, type RunningDashboard } from '@qa/dashboard'
import { demoSite, startDemoServer } from '../demo-site.ts'
import { openStore } from '../open-store.ts'
import { runCollector } from '../run-collector.ts'

const out = (text: string) => process.stdout.write(text)

/**
 * pnpm start: collector, aggregator and demo page in one process on the embedded
 * store (chdb binds one data directory per process, so the roles share this one).
 */
export async function startCommand(config: Config): Promise<number> {
  const cfg = config.sites.length > 0 ? config : { ...config, sites: [SiteSchema.parse(demoSite(config.demo.port))] }
  const logger = createLogger(cfg.logLevel)
  const store = await openStore(cfg)
  // One process, one metrics registry: the collector's /metrics shows the aggregator too.
  const metrics = createMetrics()
  const collector = await runCollector(cfg, store, logger, metrics)
  const aggregator = new Aggregator(cfg, store, logger, undefined, metrics)
  await aggregator.start()
  const readStore = await dashboardStore(cfg, store)
  const dashboard = await startDashboard(cfg, readStore, logger)
  const demo = await startDemoServer(cfg.demo.port, collector.url)
  const demoUrl = `http://127.0.0.1:${(demo.address() as { port: number }).port}/`
  out(
    [
      '',
      `Quiet Analytics is running on the ${store.kind === 'embedded' ? 'embedded store' : `server ${cfg.clickhouse.url}`}`,
      `  data directory   ${store.dataDir ?? '(server)'}`,
      `  collector        ${collector.url}/api/event`,
      `  tracker script   ${collector.url}/script.js`,
      `  demo page        ${demoUrl}`,
      `  sites            ${cfg.sites.map((s) => s.domains.join(',')).join(' ')}`,
      `  aggregator       rollups every ${cfg.aggregation.rollupIntervalMs / 1000} s, raw TTL ${cfg.retention.rawTtlHours} h`,
      `  dashboard        ${dashboard.url}/`,
      ...firstAdmin(dashboard),
      '',
      'Press Ctrl-C to stop (buffered events are flushed first).',
      '',
    ].join('\n'),
  )
  onShutdown(async () => {
    demo.close()
    await dashboard.stop()
    await collector.stop()
    await aggregator.stop()
    if (readStore !== store) await readStore.close()
    await store.close()
  })
  return -1
}

export async function collectorCommand(config: Config): Promise<number> {
  const store = await openStore(config)
  const running = await runCollector(config, store, createLogger(config.logLevel))
  out(`collector listening on ${running.url}\n`)
  onShutdown(async () => {
    await running.stop()
    await store.close()
  })
  return -1
}

function firstAdmin(d: RunningDashboard): string[] {
  return d.firstAdminPassword ? [`  first login      admin / ${d.firstAdminPassword}   (one-time password: you choose your own at first login)`] : []
}

/**
 * In server mode the dashboard reads as its own ClickHouse user (SELECT on aggregates
 * only) when its password is configured; on the embedded engine it shares the store.
 */
async function dashboardStore(config: Config, store: Store): Promise<Store> {
  if (!config.clickhouse.url || config.dashboard.dbPassword === undefined) return store
  return createStore({ ...config, clickhouse: { ...config.clickhouse, user: config.server.dashboardUser, password: config.dashboard.dbPassword } })
}

/** The dashboard alone. */
export async function dashboardCommand(config: Config): Promise<number> {
  const logger: Logger = createLogger(config.logLevel)
  const admin = await openStore(config)
  const store = await dashboardStore(config, admin)
  const dashboard = await startDashboard(config, store, logger)
  out([`dashboard listening on ${dashboard.url}/`, ...firstAdmin(dashboard), ''].join('\n'))
  onShutdown(async () => {
    await dashboard.stop()
    if (store !== admin) await store.close()
    await admin.close()
  })
  return -1
}

/** The aggregator alone, for server deployments where collectors run elsewhere. */
export async function aggregatorCommand(config: Config): Promise<number> {
  const store = await openStore(config)
  const aggregator = new Aggregator(config, store, createLogger(config.logLevel))
  await aggregator.start()
  out(`aggregator running: rollups every ${config.aggregation.rollupIntervalMs / 1000} s\n`)
  onShutdown(async () => {
    await aggregator.stop()
    await store.close()
  })
  return -1
}

function onShutdown(stop: () => Promise<void>): void {
  const handler = (signal: string) => {
    out(`${signal}: flushing and stopping\n`)
    stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`shutdown failed: ${err.message}\n`)
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', handler)
  process.once('SIGINT', handler)
}
