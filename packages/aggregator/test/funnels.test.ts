import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { writeFunnelDef } from '@quiet-analytics/store'
import { DAY, DIRECT, SIGNUP, TRAFFIC } from '../../../test/fixtures/funnels.ts'
import { rows, tempStore, testConfig, TEST_SITE } from '../../../test/support/temp-store.ts'

const clock = manualClock(Date.parse(`${DAY}T18:00:00Z`))
let store: Awaited<ReturnType<typeof tempStore>>

beforeAll(async () => {
  store = await tempStore(testConfig({ sites: [{ ...TEST_SITE, funnels: [SIGNUP] }], aggregation: { minGroupSize: 1, filterDimensions: ['source'] } }))
  await store.client.insert({ table: 'raw_hits', values: TRAFFIC, format: 'JSONEachRow' })
}, 60_000)
afterAll(async () => {
  await store.destroy()
})

const reached = async (funnel: string) =>
  (await rows<{ step: number; visits: string }>(store, "SELECT step, sum(visits) AS visits FROM agg_funnels_daily WHERE funnel = {f:String} AND filter_dimension = '' AND time_bucket_s = -1 GROUP BY step ORDER BY step", { f: funnel })).map((r) => Number(r.visits))
const times = async (funnel: string, step: number) =>
  (await rows<{ b: number; visits: string }>(store, "SELECT time_bucket_s AS b, sum(visits) AS visits FROM agg_funnels_daily WHERE funnel = {f:String} AND filter_dimension = '' AND step = {s:UInt8} AND time_bucket_s >= 0 GROUP BY b ORDER BY b", { f: funnel, s: step })).map((r) => [r.b, Number(r.visits)])

describe('funnels at rollup', () => {
  it('count the visits that reached each step in order, eventually, with the time from the step before', async () => {
    const aggregator = new Aggregator(store.config, store, createLogger('silent'), clock)
    await aggregator.rollup()
    expect(await reached('Signup')).toEqual([6, 5, 2])
    expect(await times('Signup', 2)).toEqual([[3, 1], [8, 1], [10, 1], [25, 1], [60, 1]])
    expect(await times('Signup', 3)).toEqual([[1, 1], [30, 1]])
  })

  it('count a funnel defined in the dashboard at the next rollup, directly followed, and say so in the ledger', async () => {
    await writeFunnelDef(store.client, 'test', DIRECT, 'admin')
    const aggregator = new Aggregator(store.config, store, createLogger('silent'), clock)
    expect((await aggregator.rollupDecisions()).filter((d) => d.due)).toHaveLength(1)
    await aggregator.rollup()
    expect(await reached('Direct')).toEqual([6, 4])
    expect(await times('Direct', 2)).toEqual([[3, 1], [5, 1], [8, 1], [10, 1]])
    expect(await reached('Signup')).toEqual([6, 5, 2])
    expect((await aggregator.rollupDecisions()).filter((d) => d.due)).toHaveLength(0)
  })

  it('split by filter value as the breakdowns are', async () => {
    const bySource = await rows<{ v: string; visits: string }>(store, "SELECT filter_value AS v, sum(visits) AS visits FROM agg_funnels_daily WHERE funnel = 'Signup' AND filter_dimension = 'source' AND step = 1 AND time_bucket_s = -1 GROUP BY v")
    expect(bySource.reduce((a, r) => a + Number(r.visits), 0)).toBe(6)
  })
})

/** A second store with other aggregation settings, rolled up once. */
async function rolledUp(aggregation: { minGroupSize: number; filterDimensions: ('source' | 'country')[] }) {
  const s = await tempStore(testConfig({ sites: [{ ...TEST_SITE, funnels: [SIGNUP] }], aggregation }))
  await s.client.insert({ table: 'raw_hits', values: TRAFFIC, format: 'JSONEachRow' })
  await new Aggregator(s.config, s, createLogger('silent'), clock).rollup()
  return s
}

describe('funnels beside the breakdowns', () => {
  it('fold a filter value under k into (other), as the breakdowns do', async () => {
    // Google brings 4 visitors, direct traffic 3: under k = 4, direct is (other).
    const s = await rolledUp({ minGroupSize: 4, filterDimensions: ['source'] })
    try {
      const q = (table: string, where: string) => rows<{ v: string }>(s, `SELECT DISTINCT filter_value AS v FROM ${table} WHERE filter_dimension = 'source' AND ${where} ORDER BY v`)
      expect(await q('agg_funnels_daily', '1')).toEqual([{ v: '(other)' }, { v: 'Google' }])
      expect(await q('agg_breakdown_daily', "dimension = 'country'")).toEqual([{ v: '(other)' }, { v: 'Google' }])
      const step1 = await rows<{ v: string; visits: string }>(s, "SELECT filter_value AS v, sum(visits) AS visits FROM agg_funnels_daily WHERE funnel = 'Signup' AND filter_dimension = 'source' AND step = 1 AND time_bucket_s = -1 GROUP BY v ORDER BY v")
      expect(step1).toEqual([{ v: '(other)', visits: '3' }, { v: 'Google', visits: '3' }])
    } finally {
      await s.destroy()
    }
  })

  it('count funnels and breakdowns with no filter dimension configured', async () => {
    const s = await rolledUp({ minGroupSize: 1, filterDimensions: [] })
    try {
      expect(await rows(s, "SELECT DISTINCT filter_dimension AS f FROM agg_funnels_daily")).toEqual([{ f: '' }])
      expect(await rows(s, "SELECT DISTINCT filter_dimension AS f FROM agg_breakdown_daily")).toEqual([{ f: '' }])
      expect(await rows(s, "SELECT value, visitors FROM agg_breakdown_daily WHERE dimension = 'source' ORDER BY value")).toEqual([{ value: '', visitors: '3' }, { value: 'Google', visitors: '4' }])
    } finally {
      await s.destroy()
    }
  })
})
