import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore, loadConfig, migrate, startOfSiteDay, endOfSiteDay } from '@qa/core'
import { BUILD_WORK_SQL } from '../packages/aggregator/src/rollup/work-table.ts'
import { breakdownSql, EVENTS_SQL, TOTALS_DAILY_SQL, TOTALS_HOURLY_SQL } from '../packages/aggregator/src/rollup/aggregate-sql.ts'
import { generateDay } from '../test/fixtures/traffic.ts'

const visitors = Number(process.argv[2] ?? 20000)
const dataDir = mkdtempSync(join(tmpdir(), 'qa-bench-'))
const config = loadConfig({}, { dataDir, sites: [{ id: 'test', domains: ['test.example'] }], logLevel: 'silent' })
const store = await createStore(config)
await migrate(store.client)
const day = '2026-11-20'
const traffic = generateDay({ siteId: 'test', dayStartMs: Date.parse(day), visitors, seed: 1 })
for (let i = 0; i < traffic.rows.length; i += 100000) await store.client.insert({ table: 'raw_hits', values: traffic.rows.slice(i, i + 100000), format: 'JSONEachRow' })
const params: Record<string, unknown> = { small_filters: [],  site: 'test', day, tz: 'UTC', from: startOfSiteDay(day, 'UTC'), to: endOfSiteDay(day, 'UTC'), gap_ms: 1800000, bounce_ms: 10000, k: 5, goal_names: [], goal_events: [], goal_pages: [] }
for (const [name, sql] of [['work', BUILD_WORK_SQL], ['daily', TOTALS_DAILY_SQL], ['hourly', TOTALS_HOURLY_SQL], ['breakdown-plain', breakdownSql([])], ['breakdown-pairs', breakdownSql(['source', 'country', 'device', 'browser', 'os', 'utm_campaign', 'entry_page'])], ['events', EVENTS_SQL]] as const) {
  const t = performance.now()
  await store.client.command({ query: sql, query_params: params })
  console.log(name, Math.round(performance.now() - t), 'ms')
}
await store.close()
