import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type RawHit } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { tailHit } from '../../../test/fixtures/traffic.ts'

const DAY = '2026-11-20'
const DAY_START = Date.parse(`${DAY}T00:00:00Z`)
const H = 3600_000

let store: Awaited<ReturnType<typeof tempStore>>

/** A visitor's pageview at `h` hours into the day. */
const view = (visitor: string, h: number, path: string, source = ''): RawHit => ({ ...tailHit('test', visitor), ts: DAY_START + h * H, path, source, country: 'DE' })

beforeAll(async () => {
  const config = testConfig({ aggregation: { minGroupSize: 3, filterDimensions: ['country'] } })
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
    ],
  })
  await new Aggregator(config, store, createLogger('silent'), manualClock(DAY_START + 23 * H)).rollup()
}, 120_000)
afterAll(() => store.destroy())

const other = (dimension: string, filter: [string, string]) =>
  rows<{ visitors: string; visits: string }>(
    store,
    "SELECT visitors, visits FROM agg_breakdown_daily WHERE dimension = {d:String} AND filter_dimension = {fd:String} AND filter_value = {fv:String} AND value = '(other)'",
    { d: dimension, fd: filter[0], fv: filter[1] },
  )

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
