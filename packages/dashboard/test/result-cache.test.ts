import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, resolveSite, type Config } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { connectStore, type Store } from '@quiet-analytics/store'
import { StatsService } from '../src/index.ts'
import { StatsParamsSchema } from '../src/stats/params.ts'
import { readsOnlyCachedTables, ResultCache } from '../src/stats/result-cache.ts'
import { tempStore, testConfig, type TempStore } from '../../../test/support/temp-store.ts'
import { rawHit } from '../../../test/fixtures/raw-hit.ts'

const H = 3600_000
const DAY_START = Math.floor(Date.now() / (24 * H)) * 24 * H - 24 * H
const DAY = new Date(DAY_START).toISOString().slice(0, 10)
// The day is still open: a closed day is final (later rows count as late), an open one is rolled up again.
const NOW = DAY_START + 20 * H
const ALPHA = { id: 'alpha', domains: ['alpha.example'] }
const BETA = { id: 'beta', domains: ['beta.example'] }

let store: TempStore
let reader: Store
let config: Config
let cache: ResultCache
let stats: StatsService

const visits = (site: string, path: string, visitors: number, from: number) =>
  Array.from({ length: visitors }, (_, i) => rawHit(site, String(from + i), { ts: DAY_START + 10 * H + i * 60_000, path, hostname: `${site}.example` }))

const rollUp = (k: number) =>
  new Aggregator({ ...config, aggregation: { ...config.aggregation, minGroupSize: k } }, store, createLogger('silent'), manualClock(NOW)).rollup({ days: new Set([DAY]), force: true })

const pages = async (site: typeof ALPHA) =>
  (await stats.breakdown(resolveSite(site), 'page', StatsParamsSchema.parse({ site: site.id, period: 'custom', from: DAY, to: DAY }), NOW)).map((r) => `${r.value}:${r.visitors}`).sort()

beforeAll(async () => {
  config = testConfig({ sites: [ALPHA, BETA], aggregation: { minGroupSize: 1 } })
  store = await tempStore(config)
  await store.client.insert({ table: 'raw_hits', values: [...visits('alpha', '/popular', 6, 100), ...visits('alpha', '/rare', 2, 200), ...visits('beta', '/beta-page', 3, 300)], format: 'JSONEachRow' })
  await rollUp(1)
  // As deployed: the dashboard's own database user reads the aggregates and their version.
  reader = await connectStore(config, 'dashboard')
  cache = new ResultCache(reader.client)
  stats = new StatsService(reader.client, config.aggregation.filterDimensions, cache)
})
afterAll(async () => {
  await reader?.close()
  await store?.destroy()
})

describe("the stats answers' cache", () => {
  it('serves an answer again while the aggregates are unchanged', async () => {
    expect(await pages(ALPHA)).toEqual(['/popular:6', '/rare:2'])
    const before = { ...cache.stats }
    expect(await pages(ALPHA)).toEqual(['/popular:6', '/rare:2'])
    expect(cache.stats).toEqual({ hits: before.hits + 1, misses: before.misses })
  })

  it("never answers a site with another site's rows", async () => {
    expect(await pages(BETA)).toEqual(['/beta-page:3'])
    expect(await pages(ALPHA)).toEqual(['/popular:6', '/rare:2'])
  })

  it('drops its answers when a rollup rewrites the aggregates: a row now folded under k is never served', async () => {
    await pages(ALPHA)
    await rollUp(5)
    const misses = cache.stats.misses
    expect(await pages(ALPHA)).toEqual(['(other):2', '/popular:6'])
    expect(cache.stats.misses).toBe(misses + 1)
  })

  it('sees new rows at once, whoever wrote them', async () => {
    await pages(BETA)
    await store.client.insert({ table: 'raw_hits', values: visits('beta', '/beta-page', 2, 400), format: 'JSONEachRow' })
    await rollUp(1)
    expect(await pages(BETA)).toEqual(['/beta-page:5'])
  })

  it('caches only queries of the aggregates, never the logs or the drop counts', () => {
    expect(readsOnlyCachedTables('SELECT sum(visitors) FROM agg_totals_daily WHERE site_id = {site:String}')).toBe(true)
    expect(readsOnlyCachedTables('SELECT 1 FROM agg_breakdown_daily AS a JOIN agg_breakdown_monthly AS b ON a.value = b.value')).toBe(true)
    expect(readsOnlyCachedTables("SELECT day, reason, sum(events) FROM ingest_drops WHERE site_id = 'a' GROUP BY day, reason")).toBe(false)
    expect(readsOnlyCachedTables('SELECT v FROM agg_totals_daily UNION ALL SELECT at FROM rollup_log')).toBe(false)
    expect(readsOnlyCachedTables('SELECT 1')).toBe(false)
    // Rewritten at every tick and asked for the last five minutes of the clock: never the same question twice.
    expect(readsOnlyCachedTables('SELECT argMax(visitors_5m, minute) AS v FROM agg_realtime FINAL WHERE site_id = {site:String}')).toBe(false)
  })
})
