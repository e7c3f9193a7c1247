import { parseArgs } from 'node:util'
import { isIpAddress, systemClock, type Config } from '@quiet-analytics/core'
import { dashboardUserDdl, dataInventory, formatReport, runAudit } from '@quiet-analytics/aggregator'
import { clusterDdl, connectStore, readMigrations } from '@quiet-analytics/store'
import { withStore } from '../store-access.ts'
import { PROGRAM } from '../usage.ts'

/** qa audit [--json] [--probe-ip ADDR]...: exit 1 naming each failed check. */
export async function auditCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, 'probe-ip': { type: 'string', multiple: true } } })
  const probes = values['probe-ip'] ?? []
  const bad = probes.filter((p) => !isIpAddress(p))
  if (bad.length > 0) {
    process.stderr.write(`usage: ${PROGRAM} audit [--json] [--probe-ip ADDRESS]... (probe addresses must be IPv4 or IPv6)\n`)
    return 2
  }
  return withStore(config, async (store) => {
    const report = await runAudit(store, config, systemClock.now(), probes)
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
    if (!report.passed) process.stderr.write(`audit failed: ${report.failed.join(', ')}\n`)
    return report.passed ? 0 : 1
  })
}

export function inventoryCommand(config: Config): number {
  process.stdout.write(dataInventory(config))
  return 0
}

/** qa ddl cluster | qa ddl dashboard-user [--apply] */
export async function ddlCommand(config: Config, args: string[]): Promise<number> {
  const [what, ...rest] = args
  if (what === 'cluster') {
    if (!config.server.cluster) {
      process.stderr.write('set CLICKHOUSE_CLUSTER to generate cluster DDL\n')
      return 2
    }
    process.stdout.write(`${clusterDdl(readMigrations().flatMap((m) => m.statements), config.server.cluster).join(';\n\n')};\n`)
    return 0
  }
  if (what === 'dashboard-user') {
    const { values } = parseArgs({ args: rest, options: { apply: { type: 'boolean' } } })
    const { statements, password } = dashboardUserDdl({
      user: config.server.dashboardUser,
      database: config.clickhouse.database,
      ...(config.server.cluster ? { cluster: config.server.cluster } : {}),
    })
    if (!values.apply) {
      process.stdout.write(`${statements.join(';\n')};\n`)
      return 0
    }
    if (!config.clickhouse.url) {
      process.stderr.write('--apply needs CLICKHOUSE_URL: the bundled store declares its users itself (the dashboard user is created at every start)\n')
      return 2
    }
    const store = await connectStore(config)
    try {
      for (const statement of statements) await store.client.command({ query: statement })
    } finally {
      await store.close()
    }
    process.stdout.write(`created ${config.server.dashboardUser}; its password (shown once): ${password}\n`)
    return 0
  }
  process.stderr.write(`usage: ${PROGRAM} ddl cluster | ${PROGRAM} ddl dashboard-user [--apply]\n`)
  return 2
}
