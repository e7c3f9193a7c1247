import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'

let store: Awaited<ReturnType<typeof tempStore>>
beforeAll(async () => {
  store = await tempStore(testConfig())
})
afterAll(() => store.destroy())

describe('a day with pageviews only (no custom events, no goals)', () => {
  it('rolls up, and rolls up again, though some aggregate tables get no rows', async () => {
    const now = Date.parse('2026-11-20T12:00:00Z')
    const hit = { ts: now - 3600_000, site_id: 'test', visitor_id: '42', name: 'pageview', path: '/', props: {} }
    await store.client.insert({ table: 'raw_hits', values: [hit, { ...hit, ts: now - 3000_000, path: '/a' }], format: 'JSONEachRow' })
    const aggregator = new Aggregator(testConfig({ aggregation: { minGroupSize: 1 } }), store, createLogger('silent'), manualClock(now))
    expect((await aggregator.rollup()).map((d) => d.day)).toEqual(['2026-11-20'])
    await aggregator.rollup({ force: true })
    expect(await rows(store, 'SELECT pageviews FROM agg_totals_daily')).toEqual([{ pageviews: '2' }])
    expect(await rows(store, 'SELECT pageviews FROM agg_totals_monthly')).toEqual([{ pageviews: '2' }])
    expect(await rows(store, 'SELECT count() AS n FROM agg_events_daily')).toEqual([{ n: '0' }])
  })
})
