import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type RawHit } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { tailHit } from '../../../test/fixtures/traffic.ts'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'

const DAY_START = Date.parse('2026-11-20T00:00:00Z')
let store: Awaited<ReturnType<typeof tempStore>>

beforeAll(async () => {
  // The site's k (3) differs from the global one (5): the site's is the one applied.
  const config = testConfig({
    sites: [{ id: 'test', domains: ['test.example'], minGroupSize: 3, goals: [{ name: 'Rare goal', event: 'Rare A' }] }],
    aggregation: { minGroupSize: 5 },
  })
  store = await tempStore(config)
  const hit = (visitor: number, name: string, props: Record<string, string> = {}, at = 0): RawHit => ({ ...tailHit('test', String(1000 + visitor)), ts: DAY_START + 3_600_000 + visitor * 60_000 + at, name, props })
  const hits: RawHit[] = []
  for (let v = 0; v < 4; v++) hits.push(hit(v, 'pageview'), hit(v, 'Signup', { plan: v < 3 ? 'pro' : 'team' }, 1000))
  hits.push(hit(10, 'pageview'), hit(10, 'Rare A', { who: 'x' }, 1000), hit(11, 'pageview'), hit(11, 'Rare B', {}, 1000))
  await store.client.insert({ table: 'raw_hits', values: hits, format: 'JSONEachRow' })
  await new Aggregator(config, store, createLogger('silent'), manualClock(DAY_START + 36 * 3_600_000)).rollup()
}, 60_000)
afterAll(() => store?.destroy())

describe('custom event names, chosen by browsers, are bounded like breakdown values', () => {
  it("folds names and property values seen by fewer than the site's k visitors into (other); goals keep counting", async () => {
    const ev = await rows<{ kind: string; event: string; prop_key: string; prop_value: string; visitors: string }>(
      store,
      'SELECT kind, event, prop_key, prop_value, visitors FROM agg_events_daily ORDER BY kind, event, prop_key, prop_value',
    )
    expect(ev.map((e) => [e.kind, e.event, e.prop_key, e.prop_value, Number(e.visitors)])).toEqual([
      ['event', '(other)', '', '', 2],
      ['event', 'Signup', '', '', 4],
      ['event', 'Signup', 'plan', '(other)', 1],
      ['event', 'Signup', 'plan', 'pro', 3],
      ['goal', 'Rare goal', '', '', 1],
    ])
  })
})
