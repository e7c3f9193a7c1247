import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type Config } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { aggregateSnapshot } from '../../../test/support/snapshot.ts'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { generateDay } from '../../../test/fixtures/traffic.ts'

const DAY = '2026-11-20'
const DAY_START = Date.parse(`${DAY}T00:00:00Z`)

let store: Awaited<ReturnType<typeof tempStore>>
let config: Config
const clock = manualClock(DAY_START + 12 * 3600_000)
let aggregator: Aggregator

const snapshot = () => aggregateSnapshot(store)

beforeAll(async () => {
  config = testConfig({ aggregation: { minGroupSize: 3 } })
  store = await tempStore(config)
  const traffic = generateDay({ siteId: 'test', dayStartMs: DAY_START, visitors: 300, seed: 7 })
  await store.client.insert({ table: 'raw_hits', values: traffic.rows.filter((r) => r.ts < clock.now()), format: 'JSONEachRow' })
  aggregator = new Aggregator(config, store, createLogger('silent'), clock)
})
afterAll(() => store.destroy())

const total = async () => Number((await rows<{ p: string }>(store, 'SELECT sum(pageviews) AS p FROM agg_totals_daily'))[0]!.p)

describe('rollup reruns', () => {
  it('give identical aggregates, and an unchanged day is not recomputed', async () => {
    await aggregator.rollup()
    const first = await snapshot()
    expect(await aggregator.rollup()).toEqual([])
    await aggregator.rollup({ force: true })
    expect(await snapshot()).toBe(first)
  })

  it('count late events that arrive after their window rolled', async () => {
    const before = await total()
    const late = { ...(await rows<Record<string, unknown>>(store, 'SELECT * EXCEPT ts FROM raw_hits LIMIT 1'))[0], ts: clock.now() - 3600_000, name: 'pageview', path: '/late' }
    await store.client.insert({ table: 'raw_hits', values: [late], format: 'JSONEachRow' })
    // Right after a rollup the open day waits out its backoff (ten times the last duration)...
    expect(await aggregator.rollup()).toEqual([])
    const [last] = await rows<{ ms: number }>(store, 'SELECT argMax(duration_ms, at) AS ms FROM rollup_log')
    clock.advance(10 * Number(last!.ms) + 1)
    // ...then the late event is counted.
    const r = await aggregator.rollup()
    expect(r.map((x) => x.day)).toEqual([DAY])
    expect(await total()).toBe(before + 1)
  })

  it('fold breakdown rows under k into (other) and keep totals whole', async () => {
    const small = await rows<{ n: string }>(store, "SELECT count() AS n FROM agg_breakdown_daily WHERE value != '(other)' AND visitors < 3")
    expect(Number(small[0]!.n)).toBe(0)
    const pairsSmall = await rows<{ n: string }>(store, "SELECT count() AS n FROM agg_breakdown_daily WHERE filter_dimension != '' AND filter_value != '(other)' AND value != '(other)' AND visitors < 3")
    expect(Number(pairsSmall[0]!.n)).toBe(0)
    const other = await rows(store, "SELECT 1 FROM agg_breakdown_daily WHERE value = '(other)' LIMIT 1")
    expect(other.length).toBe(1)
    const [pages] = await rows<{ p: string }>(store, "SELECT sum(pageviews) AS p FROM agg_breakdown_daily WHERE dimension = 'page' AND filter_dimension = ''")
    expect(Number(pages!.p)).toBe(await total())
  })

  it('keep other sites of the same day when one site is recomputed', async () => {
    await store.client.command({ query: "INSERT INTO agg_totals_daily (site_id, day, visitors) VALUES ('imported', '2026-11-20', 9)" })
    await aggregator.rollup({ force: true })
    expect(await rows(store, "SELECT visitors FROM agg_totals_daily WHERE site_id = 'imported'")).toEqual([{ visitors: '9' }])
  })
})
