import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { connectStore, migrate, startStoreProcess, type StoreProcess } from '@quiet-analytics/store'
import { runAudit } from '@quiet-analytics/aggregator'
import { testConfig } from '../../../test/support/temp-store.ts'

const config = testConfig({ clickhouse: { database: 'analytics' } })
let engine: StoreProcess | undefined
afterAll(async () => {
  await engine?.stop()
  rmSync(config.dataDir, { recursive: true, force: true })
})

describe.runIf(!process.env.CLICKHOUSE_URL)('the audit of the dashboard grants', () => {
  it('fails when the store lets the dashboard user read more than aggregates and logs', async () => {
    // The store as an operator might have edited it: one grant wider than the product's.
    engine = await startStoreProcess({
      dataDir: config.dataDir,
      database: 'analytics',
      httpPort: 0,
      dashboardUser: config.server.dashboardUser,
      usersXml: (xml) => xml.replace('<query>GRANT SELECT ON analytics.agg_realtime</query>', '<query>GRANT SELECT ON analytics.agg_realtime</query><query>GRANT SELECT ON analytics.raw_hits</query>'),
    })
    const store = await connectStore(config)
    try {
      await migrate(store.client)
      const dashboard = await connectStore(config, 'dashboard')
      // The widened grant is real: the engine now lets the dashboard read raw hits.
      await expect(dashboard.client.query({ query: 'SELECT count() FROM raw_hits', format: 'TabSeparated' }).then((r) => r.text())).resolves.toBe('0\n')
      await dashboard.close()
      const report = await runAudit(store, config, Date.now())
      expect(report.failed).toContain('dashboard_grants')
      expect(report.checks.find((c) => c.id === 'dashboard_grants')!.detail).toContain('SELECT analytics.raw_hits')
    } finally {
      await store.close()
    }
  })
})
