import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clusterDdl, readMigrations } from '@quiet-analytics/store'
import { dashboardGrants } from '@quiet-analytics/core'
import { dashboardUserDdl } from '@quiet-analytics/aggregator'
import { rows, tempStore } from '../../../test/support/temp-store.ts'

let store: Awaited<ReturnType<typeof tempStore>>
beforeAll(async () => {
  store = await tempStore()
})
afterAll(() => store.destroy())

/** ClickHouse's own parser (formatQuery) as the judge of generated DDL. */
async function parses(sql: string): Promise<string> {
  const [r] = await rows<{ f: string }>(store, 'SELECT formatQuery({q:String}) AS f', { q: sql })
  return r!.f
}

describe('cluster DDL generated from the migrations', () => {
  const statements = clusterDdl(readMigrations().flatMap((m) => m.statements), 'analytics_cluster')

  it('parses, and every table is ON CLUSTER and Replicated', async () => {
    for (const s of statements) {
      const formatted = await parses(s)
      expect(formatted, s.slice(0, 60)).toContain('ON CLUSTER analytics_cluster')
      if (formatted.startsWith('DROP')) expect(formatted).toBe('DROP TABLE IF EXISTS rollup_work ON CLUSTER analytics_cluster SYNC')
      else if (formatted.startsWith('ALTER')) expect(formatted).toMatch(/^ALTER TABLE (raw_hits_local|rollup_log|rollup_work|salts|salt_log|leases|purge_log) ON CLUSTER|^ALTER TABLE raw_hits ON CLUSTER analytics_cluster\s+\(ADD COLUMN/)
      else expect(formatted).toMatch(/ENGINE = (Replicated\w*MergeTree|Distributed)\(/)
    }
  })

  it('shards raw_hits by visitor behind a Distributed table and replicates the rest', () => {
    const raw = statements.filter((s) => /EXISTS raw_hits(_local)? /.test(s))
    expect(raw[0]).toContain("ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/raw_hits_local', '{replica}')")
    expect(raw[1]).toContain('ENGINE = Distributed(analytics_cluster, currentDatabase(), raw_hits_local, sipHash64(site_id, visitor_id))')
    const staging = statements.find((s) => s.includes('EXISTS agg_totals_daily_staging '))!
    expect(staging).toContain("'/clickhouse/tables/all/{database}/agg_totals_daily_staging'")
    expect(staging).toContain('PARTITION BY day')
    expect(statements.find((s) => s.includes('EXISTS ingest_drops '))).toContain("ReplicatedSummingMergeTree('/clickhouse/tables/all/{database}/ingest_drops', '{replica}', events)")
  })
})

describe('dashboard user DDL', () => {
  it('grants SELECT on the dashboard tables only, after revoking everything', async () => {
    const { statements, password } = dashboardUserDdl({ user: 'qa_dashboard', database: 'analytics', cluster: 'c1' })
    expect(password.length).toBeGreaterThanOrEqual(16)
    for (const s of statements) await parses(s)
    expect(statements[1]).toBe('REVOKE ON CLUSTER c1 ALL ON *.* FROM qa_dashboard')
    const grants = statements.filter((s) => s.startsWith('GRANT'))
    expect(grants).toHaveLength(dashboardGrants('analytics').length)
    expect(grants.every((g) => /^GRANT ON CLUSTER c1 (SELECT ON analytics\.(agg_\w+|\w+_log|ingest_drops)|(SELECT|INSERT|OPTIMIZE) ON analytics\.auth_\w+|(SELECT|INSERT) ON analytics\.funnel_defs|SELECT ON system\.parts) TO qa_dashboard$/.test(g))).toBe(true)
    expect(grants.some((g) => /raw_hits|salts|rollup_work/.test(g))).toBe(false)
    expect(statements.at(-1)).toMatch(/^CREATE SETTINGS PROFILE OR REPLACE qa_dashboard_limits ON CLUSTER c1 SETTINGS .*max_execution_time = 10 MAX 10.* TO qa_dashboard$/)
  })
  it('refuses a password that would need quoting', () => {
    expect(() => dashboardUserDdl({ user: 'u', database: 'd', password: "x' OR 1=1 --aaaaaaaa" })).toThrow(/password/)
  })
})
