import { dataInventory, type Config } from '@quiet-analytics/core'
import { type ClickHouseClient } from '@quiet-analytics/store'

export interface PrivacyReport {
  retention: { rawTtlHours: number; saltGraceMinutes: number; closeAfterMinutes: number; minGroupSize: number; ipv4PrefixBits: number; ipv6PrefixBits: number; honourDnt: boolean }
  lastRollup: { at: string; site: string; day: string } | null
  lastPurge: { at: string; partitions: number; rows: number; neverRolledRows: number } | null
  salts: { at: string; site: string; day: string; action: string; actor: string }[]
  audit: { at: string; passed: boolean; failed: string[]; report: string } | null
  /** The latest audits, newest first: when each ran and which checks failed. */
  auditHistory: { at: string; passed: boolean; failed: string[] }[]
  inventory: string
}

/**
 * The privacy officer's view, from the lifecycle logs and the latest audit: tables the
 * dashboard user may read. Raw rows and salts themselves are never read here; the
 * oldest raw row's age comes from the audit report.
 */
export class PrivacyService {
  constructor(private readonly client: ClickHouseClient) {}

  private async one<T>(query: string): Promise<T | undefined> {
    return (await (await this.client.query({ query, format: 'JSONEachRow' })).json<T>())[0]
  }

  async report(config: Config): Promise<PrivacyReport> {
    const rollup = await this.one<{ at: string; site_id: string; day: string }>('SELECT toString(at) AS at, site_id, toString(day) AS day FROM rollup_log ORDER BY at DESC LIMIT 1')
    const purge = await this.one<{ at: string; partitions: string; rows: string; never: string }>(
      'SELECT toString(at) AS at, count() AS partitions, sum(rows) AS rows, sum(never_rolled_rows) AS never FROM purge_log GROUP BY at ORDER BY at DESC LIMIT 1',
    )
    const salts = await (
      await this.client.query({ query: 'SELECT toString(at) AS at, site_id, toString(day) AS day, toString(action) AS action, actor FROM salt_log ORDER BY at DESC LIMIT 20', format: 'JSONEachRow' })
    ).json<{ at: string; site_id: string; day: string; action: string; actor: string }>()
    const audit = await this.one<{ at: string; passed: number; failed: string[]; report: string }>('SELECT toString(at) AS at, passed, failed, report FROM audit_log ORDER BY at DESC LIMIT 1')
    const history = await (
      await this.client.query({ query: 'SELECT toString(at) AS at, passed, failed FROM audit_log ORDER BY at DESC LIMIT 30', format: 'JSONEachRow' })
    ).json<{ at: string; passed: number; failed: string[] }>()
    return {
      retention: {
        rawTtlHours: config.retention.rawTtlHours,
        saltGraceMinutes: config.retention.saltGraceMinutes,
        closeAfterMinutes: config.retention.closeAfterMinutes,
        minGroupSize: config.aggregation.minGroupSize,
        ipv4PrefixBits: config.collector.ipv4PrefixBits,
        ipv6PrefixBits: config.collector.ipv6PrefixBits,
        honourDnt: config.collector.honourDnt,
      },
      lastRollup: rollup ? { at: rollup.at, site: rollup.site_id, day: rollup.day } : null,
      lastPurge: purge ? { at: purge.at, partitions: Number(purge.partitions), rows: Number(purge.rows), neverRolledRows: Number(purge.never) } : null,
      salts: salts.map((s) => ({ at: s.at, site: s.site_id, day: s.day, action: s.action, actor: s.actor })),
      audit: audit ? { at: audit.at, passed: audit.passed === 1, failed: audit.failed, report: audit.report } : null,
      auditHistory: history.map((h) => ({ at: h.at, passed: h.passed === 1, failed: h.failed })),
      inventory: dataInventory(config),
    }
  }
}
