import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type RawHit } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { rawHit } from '../../../test/fixtures/raw-hit.ts'

const DAY = '2026-11-20'
const DAY_START = Date.parse(`${DAY}T00:00:00Z`)
/** More small entry pages than a request's URL could list (the engine takes 1 MiB). */
const TAIL = 40_000

let store: Awaited<ReturnType<typeof tempStore>>

const view = (visitor: string, path: string): RawHit => rawHit('test', visitor, { ts: DAY_START + 3_600_000, path })

beforeAll(async () => {
  store = await tempStore(
    testConfig({
      aggregation: { minGroupSize: 2, filterDimensions: ['entry_page'] },
      sites: [{ id: 'test', domains: ['test.example'], funnels: [{ name: 'Tail', steps: [{ page: '/tail/*' }, { page: '/signup' }] }] }],
    }),
  )
  const values = [...Array.from({ length: TAIL }, (_, i) => view(String(100_000 + i), `/tail/${i}`)), view('1', '/'), view('2', '/')]
  await store.client.insert({ table: 'raw_hits', values, format: 'JSONEachRow' })
  await new Aggregator(store.config, store, createLogger('silent'), manualClock(DAY_START + 20 * 3_600_000)).rollup()
}, 120_000)
afterAll(() => store.destroy())

describe('a long tail of small filter values', () => {
  it('folds every entry page seen by one visitor into (other), in the breakdowns and the funnels alike', async () => {
    const byEntry = await rows<{ v: string; visitors: string }>(
      store,
      "SELECT filter_value AS v, visitors FROM agg_breakdown_daily WHERE filter_dimension = 'entry_page' AND dimension = 'country' ORDER BY v",
    )
    expect(byEntry).toEqual([
      { v: '(other)', visitors: String(TAIL) },
      { v: '/', visitors: '2' },
    ])
    const funnel = await rows<{ v: string; visits: string }>(
      store,
      "SELECT filter_value AS v, sum(visits) AS visits FROM agg_funnels_daily WHERE filter_dimension = 'entry_page' AND step = 1 AND time_bucket_s = -1 GROUP BY v ORDER BY v",
    )
    expect(funnel).toEqual([{ v: '(other)', visits: String(TAIL) }])
  })
})
