import cluster from 'node:cluster'
import { ConfigError, loadConfig } from '@qa/core'
import { MigrationError, StoreError } from '@qa/store'
import { LeaseBusyError } from '@qa/aggregator'
import { auditCommand, ddlCommand, inventoryCommand } from './commands/audit.ts'
import { migrateCommand, purgeCommand, rollupCommand, saltsCommand } from './commands/maintenance.ts'
import { startCommand } from './commands/start.ts'
import { storeCommand } from './commands/store.ts'
import { startAggregator } from './roles/aggregator-role.ts'
import { collectorWorkerSlot, startCollector, startCollectorProcesses } from './roles/collector-role.ts'
import { startDashboardRole } from './roles/dashboard-role.ts'
import { serveRole } from './roles/role-process.ts'
import { userCommand } from './commands/users.ts'
import { importCommand } from './commands/import.ts'

const USAGE = `usage: qa <command> [options]
  start                       the store, collector, aggregator, dashboard and demo page, supervised (pnpm start)
  store                       the bundled ClickHouse store on DATA_DIR, serving HTTP on 127.0.0.1:STORE_PORT
  collector                   the collector (COLLECTOR_PROCESSES processes sharing its port)
  aggregator                  the aggregator's schedule: salts, rollups, purges
  dashboard                   the dashboard (stats API and web UI)
  user add NAME [--role admin|viewer]
                              create or reset a dashboard user; prints its password once
  migrate [--dry-run]         apply (or list) pending schema migrations
  rollup [--day D]... [--from D --to D] [--force]
                              roll raw hits into aggregates now
  purge [--dry-run]           drop raw partitions that are rolled up or past the raw TTL
  salts                       create due salts, destroy expired ones, list those alive
  audit [--json] [--probe-ip ADDR]...
                              check the privacy invariants on the live store (exit 1 on failure)
  inventory                   print the data inventory (Markdown) from the configuration
  import plausible FILE.zip --site ID [--dry-run]
                              import historical aggregates from a Plausible CSV export
  ddl cluster | ddl dashboard-user [--apply]
                              server-mode DDL: ON CLUSTER tables, the dashboard's read-only user
exit codes: 0 ok, 1 failed (audit violation or error), 2 usage, 78 configuration`

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`)
    return command ? 0 : 2
  }
  // Roles read their configuration themselves: from the parent when supervised.
  switch (command) {
    case 'collector':
      return cluster.isWorker ? serveRole('collector', (c) => startCollector(c, { slot: collectorWorkerSlot(c)! })) : serveRole('collector', startCollectorProcesses)
    case 'aggregator':
      return serveRole('aggregator', startAggregator)
    case 'dashboard':
      return serveRole('dashboard', startDashboardRole)
  }
  const config = loadConfig()
  switch (command) {
    case 'start':
      return startCommand(config)
    case 'store':
      return storeCommand(config)
    case 'user':
      return userCommand(config, args)
    case 'migrate':
      return migrateCommand(config, args)
    case 'rollup':
      return rollupCommand(config, args)
    case 'purge':
      return purgeCommand(config, args)
    case 'salts':
      return saltsCommand(config)
    case 'audit':
      return auditCommand(config, args)
    case 'inventory':
      return inventoryCommand(config)
    case 'import':
      return importCommand(config, args)
    case 'ddl':
      return ddlCommand(config, args)
    default:
      process.stderr.write(`unknown command ${command}\n${USAGE}\n`)
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Servers return -1 and keep running until a signal.
    if (code >= 0) process.exit(code)
  },
  (err: Error & { code?: string }) => {
    if (err.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    const expected = err instanceof ConfigError || err instanceof MigrationError || err instanceof StoreError || err instanceof LeaseBusyError
    process.stderr.write(`${expected ? err.message : (err.stack ?? err.message)}\n`)
    process.exit(err instanceof ConfigError ? 78 : 1)
  },
)
