import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, resolveSite, type Config } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { StatsService } from '../src/index.ts'
import { StatsParamsSchema } from '../src/stats/params.ts'
import { rows, tempStore, testConfig, type TempStore } from '../../../test/support/temp-store.ts'

const SITE = { id: 'berlin', domains: ['berlin.example'], timezone: 'Europe/Berlin', minGroupSize: 1 }
let store: TempStore
let config: Config
const hit = (iso: string, visitor: string, path: string) => ({ ts: Date.parse(iso), site_id: 'berlin', visitor_id: visitor, name: 'pageview', path, props: {} })

beforeAll(async () => {
  config = testConfig({ sites: [SITE], aggregation: { minGroupSize: 1 } })
  store = await tempStore(config)
  // The DST days of 2026 are months old: this store keeps their raw rows past the raw TTL.
  await store.client.command({ query: 'ALTER TABLE raw_hits REMOVE TTL' })
  await store.client.insert({
    table: 'raw_hits',
    values: [
      // Autumn: 02:30 CEST and, an hour later, 02:30 CET; the same person both times.
      hit('2026-10-25T00:30:00Z', '7', '/first-0230'),
      hit('2026-10-25T01:30:00Z', '7', '/second-0230'),
      hit('2026-10-25T10:00:00Z', '8', '/morning'),
      // Spring: 01:30 CET, then 03:30 CEST, an hour later; 02:00 does not exist.
      hit('2026-03-29T00:30:00Z', '9', '/before'),
      hit('2026-03-29T01:30:00Z', '9', '/after'),
    ],
    format: 'JSONEachRow',
  })
  const clock = manualClock(Date.parse('2026-11-01T12:00:00Z'))
  await new Aggregator(config, store, createLogger('silent'), clock).rollup({ days: new Set(['2026-03-29', '2026-10-25']) })
})
afterAll(() => store.destroy())

const hours = (day: string) =>
  new StatsService(store.client, config.aggregation.filterDimensions).timeseries(resolveSite(SITE), StatsParamsSchema.parse({ site: 'berlin', period: 'custom', from: day, to: day, interval: 'hour' }), Date.parse('2026-11-01T12:00:00Z'))

describe('hourly series on DST days', () => {
  it('has 25 hours on the autumn day, the repeated one twice with its offset, visitors never added across them', async () => {
    const { points } = await hours('2026-10-25')
    expect(points).toHaveLength(25)
    const twos = points.filter((p) => p.t === '2026-10-25 02:00')
    expect(twos.map((p) => [p.offset, p.visitors, p.pageviews])).toEqual([
      ['+02:00', 1, 1],
      ['+01:00', 1, 1],
    ])
    expect(points[0]!.t).toBe('2026-10-25 00:00')
    expect(points.at(-1)!.t).toBe('2026-10-25 23:00')
    const [day] = await rows<{ visitors: string }>(store, "SELECT visitors FROM agg_totals_daily WHERE site_id = 'berlin' AND day = '2026-10-25'")
    expect(day!.visitors).toBe('2')
  })

  it('has 23 hours on the spring day, with no hour that did not exist', async () => {
    const { points } = await hours('2026-03-29')
    expect(points).toHaveLength(23)
    expect(points.map((p) => p.t)).not.toContain('2026-03-29 02:00')
    expect(points.find((p) => p.t === '2026-03-29 01:00')).toMatchObject({ offset: '+01:00', visitors: 1 })
    expect(points.find((p) => p.t === '2026-03-29 03:00')).toMatchObject({ offset: '+02:00', visitors: 1 })
  })
})
