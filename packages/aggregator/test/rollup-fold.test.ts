import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type RawHit } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import type { ClickHouseClient } from '@quiet-analytics/store'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { tailHit } from '../../../test/fixtures/traffic.ts'

const DAY = '2026-11-20'
const DAY_START = Date.parse(`${DAY}T00:00:00Z`)
/** The day before: one crawler that no bot rule caught. */
const CRAWLER_DAY = '2026-11-19'
const CRAWLER_HITS = 5000
const H = 3600_000

let store: Awaited<ReturnType<typeof tempStore>>

/** Every statement of the store's client limited to this much memory. */
const MEMORY_CAP = String(256 * 1024 * 1024)

function capped(client: ClickHouseClient): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown
      if (typeof value !== 'function') return value
      if (prop !== 'command' && prop !== 'query') return value.bind(target)
      return (params: { clickhouse_settings?: Record<string, unknown> }) => value.call(target, { ...params, clickhouse_settings: { ...params.clickhouse_settings, max_memory_usage: MEMORY_CAP } })
    },
  })
}

/** A visitor's pageview at `h` hours into the day. */
const view = (visitor: string, h: number, path: string, source = ''): RawHit => ({ ...tailHit('test', visitor), ts: DAY_START + h * H, path, source, country: 'DE' })

beforeAll(async () => {
  const config = testConfig({
    aggregation: { minGroupSize: 3, filterDimensions: ['country'] },
    sites: [
      {
        id: 'test',
        domains: ['test.example'],
        funnels: [
          { name: 'Crawl', order: 'directly', steps: [{ page: '/p0' }, { page: '/p1' }, { page: '/p2' }] },
          { name: 'Back', steps: [{ page: '/p1' }, { page: '/p0' }] },
        ],
      },
    ],
  })
  store = await tempStore(config)
  await store.client.insert({
    table: 'raw_hits',
    format: 'JSONEachRow',
    values: [
      // Three visitors from Google: a group kept whole.
      ...['11', '12', '13'].map((v) => view(v, 1, '/', 'Google')),
      // Visitor 21 comes twice, from two small sources, and sees two small pages in one visit.
      view('21', 1, '/x', 'a.example'),
      view('21', 1.1, '/y'),
      view('21', 3, '/', 'b.example'),
      view('22', 2, '/', 'a.example'),
      view('23', 2, '/', 'c.example'),
      // A page every ten seconds for 14 hours: one visit of 5,000 pageviews.
      ...Array.from({ length: CRAWLER_HITS }, (_, i) => ({ ...view('31', i / 360 - 24, `/p${i % 50}`), country: 'US' })),
    ],
  })
  // A visitor's day costs memory in proportion to their hits: a crawler's must fit a small cap.
  await new Aggregator(config, { ...store, client: capped(store.client) }, createLogger('silent'), manualClock(DAY_START + 23 * H)).rollup()
}, 120_000)
afterAll(() => store.destroy())

const other = (dimension: string, filter: [string, string]) =>
  rows<{ visitors: string; visits: string }>(
    store,
    "SELECT visitors, visits FROM agg_breakdown_daily WHERE day = {day:Date} AND dimension = {d:String} AND filter_dimension = {fd:String} AND filter_value = {fv:String} AND value = '(other)'",
    { day: DAY, d: dimension, fd: filter[0], fv: filter[1] },
  )

describe('a visitor with thousands of hits in a day', () => {
  it('rolls up into one exact visit, funnels included', async () => {
    // The rollup ran with 256 MiB per statement: a visitor's whole hit array repeated per
    // hit would take 5,000² tuples here.
    expect(await rows(store, 'SELECT visitors, visits, pageviews, duration_s FROM agg_totals_daily WHERE day = {day:Date}', { day: CRAWLER_DAY })).toEqual([
      { visitors: '1', visits: '1', pageviews: String(CRAWLER_HITS), duration_s: String((CRAWLER_HITS - 1) * 10) },
    ])
    // Folded (k = 3), but every page and visit dimension still adds up to the one visit.
    expect(await rows(store, "SELECT dimension, sum(visitors) AS visitors, sum(pageviews) AS pageviews FROM agg_breakdown_daily WHERE day = {day:Date} AND dimension IN ('page', 'entry_page') AND filter_dimension = '' GROUP BY dimension ORDER BY dimension", { day: CRAWLER_DAY })).toEqual([
      { dimension: 'entry_page', visitors: '1', pageviews: String(CRAWLER_HITS) },
      { dimension: 'page', visitors: '1', pageviews: String(CRAWLER_HITS) },
    ])
    expect(await rows(store, "SELECT funnel, step, visits FROM agg_funnels_daily WHERE day = {day:Date} AND filter_dimension = '' AND time_bucket_s = -1 ORDER BY funnel, step", { day: CRAWLER_DAY })).toEqual([
      { funnel: 'Back', step: 1, visits: '1' },
      { funnel: 'Back', step: 2, visits: '1' },
      { funnel: 'Crawl', step: 1, visits: '1' },
      { funnel: 'Crawl', step: 2, visits: '1' },
      { funnel: 'Crawl', step: 3, visits: '1' },
    ])
  })
})

describe('values folded into (other)', () => {
  it('count each visitor once, whether they came once or several times', async () => {
    // a.example {21, 22}, b.example {21}, c.example {23}: three visitors in four visits.
    expect(await other('source', ['', ''])).toEqual([{ visitors: '3', visits: '4' }])
    expect(await other('source', ['country', 'DE'])).toEqual([{ visitors: '3', visits: '4' }])
  })

  it('count a visitor who saw several folded pages once', async () => {
    // /x and /y, both seen only by visitor 21 in one visit (a page's visits add up per page).
    expect(await other('page', ['', ''])).toEqual([{ visitors: '1', visits: '2' }])
  })
})
