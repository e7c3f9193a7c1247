import { ConfigError, loadConfig, createStore, migrate, MigrationError, SiteSchema, type Config } from '@qa/core'
import { demoSite, startDemoServer } from './demo-site.ts'
import { runCollector } from './run-collector.ts'

const USAGE = `usage: qa <command>
  start              collector + demo page on the embedded store (pnpm start)
  collector          the standalone collector only
  migrate [--dry-run]  apply (or list) pending schema migrations`

async function start(config: Config): Promise<void> {
  const cfg = config.sites.length > 0 ? config : { ...config, sites: [SiteSchema.parse(demoSite(config.demo.port))] }
  const running = await runCollector(cfg)
  const demo = await startDemoServer(cfg.demo.port, running.url)
  const demoUrl = `http://127.0.0.1:${(demo.address() as { port: number }).port}/`
  process.stdout.write(
    [
      '',
      'Quiet Analytics is running on the embedded store',
      `  data directory   ${running.store.dataDir ?? running.store.kind}`,
      `  collector        ${running.url}/api/event`,
      `  tracker script   ${running.url}/script.js`,
      `  demo page        ${demoUrl}`,
      `  sites            ${cfg.sites.map((s) => s.domains.join(',')).join(' ')}`,
      '',
      'Press Ctrl-C to stop (buffered events are flushed first).',
      '',
    ].join('\n'),
  )
  onShutdown(async () => {
    demo.close()
    await running.stop()
  })
}

async function collectorOnly(config: Config): Promise<void> {
  const running = await runCollector(config)
  process.stdout.write(`collector listening on ${running.url}\n`)
  onShutdown(() => running.stop())
}

function onShutdown(stop: () => Promise<void>): void {
  const handler = (signal: string) => {
    process.stdout.write(`${signal}: flushing and stopping\n`)
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

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  const config = loadConfig()
  switch (command) {
    case 'start':
      await start(config)
      return -1
    case 'collector':
      await collectorOnly(config)
      return -1
    case 'migrate': {
      const store = await createStore(config)
      try {
        const r = await migrate(store.client, { dryRun: args.includes('--dry-run') })
        process.stdout.write(args.includes('--dry-run') ? `pending: ${r.pending.join(', ') || 'none'}\n` : `applied: ${r.applied.join(', ') || 'none'}\n`)
      } finally {
        await store.close()
      }
      return 0
    }
    default:
      process.stderr.write(`${USAGE}\n`)
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err: Error) => {
    const expected = err instanceof ConfigError || err instanceof MigrationError
    process.stderr.write(`${expected ? err.message : (err.stack ?? err.message)}\n`)
    process.exit(expected ? 78 : 1)
  },
)
