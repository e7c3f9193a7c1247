import { resolveSite, type Config } from '@quiet-analytics/core'
import { type Store } from '@quiet-analytics/store'
import type { AuditContext, Check, CheckResult } from './audit-types.ts'
import { aggregateSchemaCheck, emailTokenCheck, ipValuesCheck, spoolFilesCheck, userAgentCheck } from './checks-content.ts'
import { detachedPartsCheck, rawCopiesCheck, smallGroupsCheck } from './checks-store.ts'
import { grantsCheck } from './checks-grants.ts'
import { fileModesCheck } from './checks-files.ts'
import { lifecycleCheck, rawAgeCheck, rawSchemaCheck, saltCheck, ttlBackstopCheck, workTableCheck } from './checks-retention.ts'
import { dataInventory } from '@quiet-analytics/core'

export const CHECKS: Check[] = [
  rawAgeCheck,
  saltCheck,
  ttlBackstopCheck,
  rawSchemaCheck,
  rawCopiesCheck,
  detachedPartsCheck,
  ipValuesCheck,
  emailTokenCheck,
  userAgentCheck,
  aggregateSchemaCheck,
  smallGroupsCheck,
  workTableCheck,
  spoolFilesCheck,
  fileModesCheck,
  grantsCheck,
  lifecycleCheck,
]

export interface AuditReport {
  at: string
  passed: boolean
  failed: string[]
  checks: CheckResult[]
  inventory: string
}

/** Runs every check on the live store, records the result in audit_log, and returns the report. */
export async function runAudit(store: Store, config: Config, now: number, probeIps: string[] = []): Promise<AuditReport> {
  const ctx: AuditContext = { client: store.client, store, config, sites: config.sites.map(resolveSite), now, probeIps }
  const checks: CheckResult[] = []
  for (const check of CHECKS) {
    try {
      checks.push({ id: check.id, title: check.title, ...(await check.run(ctx)) })
    } catch (err) {
      checks.push({ id: check.id, title: check.title, status: 'fail', detail: `check could not run: ${(err as Error).message.slice(0, 200)}` })
    }
  }
  const failed = checks.filter((c) => c.status === 'fail').map((c) => c.id)
  const report: AuditReport = { at: new Date(now).toISOString(), passed: failed.length === 0, failed, checks, inventory: dataInventory(config) }
  await store.client.insert({
    table: 'audit_log',
    values: [{ at: now, passed: report.passed ? 1 : 0, failed, report: formatReport(report) }],
    format: 'JSONEachRow',
  })
  return report
}

export function formatReport(report: AuditReport): string {
  const skipped = report.checks.filter((c) => c.status === 'skip').length
  const head = `Privacy audit ${report.at}: ${report.passed ? 'PASS' : 'FAIL'} (${report.checks.length} checks, ${report.failed.length} failed, ${skipped} skipped)`
  const width = Math.max(...report.checks.map((c) => c.id.length))
  const lines = report.checks.map((c) => `  ${c.status.toUpperCase().padEnd(4)}  ${c.id.padEnd(width)}  ${c.detail}`)
  return [head, ...lines, ...(report.passed ? [] : [`failed checks: ${report.failed.join(', ')}`])].join('\n')
}
