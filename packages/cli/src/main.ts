#!/usr/bin/env node
import cluster from 'node:cluster'
import { ConfigError, loadConfig } from '@quiet-analytics/core'
import { MigrationError, StoreError } from '@quiet-analytics/store'
import { LeaseBusyError } from '@quiet-analytics/aggregator'
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
import { spoolCommand } from './commands/spool.ts'
import { commandHelp, PROGRAM, usage, wantsHelp } from './usage.ts'
import { withDemoSite } from './demo-site.ts'

// Everything the product writes (store, spool, accounts) is this user's only: 0700 directories, 0600 files.
process.umask(0o077)

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  if (!command || command === '--help' || command === '-h' || (command === 'help' && !args[0])) {
    process.stdout.write(`${usage()}\n`)
    return command ? 0 : 2
  }
  if (command === 'help' || wantsHelp(args)) {
    const help = commandHelp(command === 'help' ? args[0]! : command)
    if (!help) return unknownCommand(command === 'help' ? args[0]! : command)
    process.stdout.write(`${help}\n`)
    return 0
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
  const configured = loadConfig()
  // start decides itself whether the demo runs (it does not when sites are configured).
  if (command === 'start') return startCommand(configured)
  const config = withDemoSite(configured)
  switch (command) {
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
    case 'spool':
      return spoolCommand(config, args)
    case 'audit':
      return auditCommand(config, args)
    case 'inventory':
      return inventoryCommand(config)
    case 'import':
      return importCommand(config, args)
    case 'ddl':
      return ddlCommand(config, args)
    default:
      return unknownCommand(command)
  }
}

function unknownCommand(command: string): number {
  process.stderr.write(`unknown command ${command}\n${usage()}\n`)
  return 2
}

main(process.argv.slice(2)).then(
  (code) => {
    // Servers return -1 and keep running until a signal.
    if (code >= 0) process.exit(code)
  },
  (err: Error & { code?: string }) => {
    if (err.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${err.message}\nsee: ${PROGRAM} ${process.argv[2]} --help\n`)
      process.exit(2)
    }
    const expected = err instanceof ConfigError || err instanceof MigrationError || err instanceof StoreError || err instanceof LeaseBusyError
    process.stderr.write(`${expected ? err.message : (err.stack ?? err.message)}\n`)
    process.exit(err instanceof ConfigError ? 78 : 1)
  },
)
