import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type Config } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { generateDay, groupBy, sum, type Traffic } from '../../../test/fixtures/traffic.ts'

const DAY = '2026-11-20'
const DAY_START = Date.parse(`${DAY}T00:00:00Z`)

let store: Awaited<ReturnType<typeof tempStore>>
let traffic: Traffic
let config: Config
const clock = manualClock(DAY_START + 23 * 3600_000)

beforeAll(async () => {
  config = testConfig({
    sites: [{ id: 'test', domains: ['test.example'], timezone: 'UTC', goals: [{ name: 'Visit /pricing', page: '/pricing' }, { name: 'Signup', event: 'Signup' }] }],
    aggregation: { minGroupSize: 1, filterDimensions: ['source', 'country'] },
  })
  store = await tempStore(config)
  traffic = generateDay({ siteId: 'test', dayStartMs: DAY_START, visitors: 1000, seed: 42, midnightTails: 40 })
  await store.client.insert({ table: 'raw_hits', values: traffic.rows, format: 'JSONEachRow' })
  await new Aggregator(config, store, createLogger('silent'), clock).rollup()
}, 120_000)
afterAll(() => store.destroy())

/** The hits that belong to a visit: not the tails of last night's visits, which attach to nothing. */
const visitHits = () => traffic.visits.flatMap((v) => v.hits)

type Metrics = { visitors: string; visits: string; pageviews: string; bounces: string; duration_s: string; events: string; engagement_ms: string }
const num = (m: Metrics) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number(v)]))

function visitMetrics(visits: Traffic['visits']) {
  return {
    visitors: new Set(visits.map((v) => v.visitor)).size,
    visits: visits.length,
    pageviews: sum(visits, (v) => v.pageviews),
    bounces: visits.filter((v) => v.bounce).length,
    duration_s: sum(visits, (v) => v.durationS),
    events: sum(visits, (v) => v.customs),
    engagement_ms: sum(visits, (v) => v.engagementMs),
  }
}

async function breakdown(dimension: string, filter: [string, string] = ['', '']) {
  const r = await rows<Metrics & { value: string }>(
    store,
    `SELECT value, visitors, visits, pageviews, bounces, duration_s, events, engagement_ms FROM agg_breakdown_daily
     WHERE site_id = 'test' AND day = {day:Date} AND dimension = {d:String} AND filter_dimension = {fd:String} AND filter_value = {fv:String}`,
    { day: DAY, d: dimension, fd: filter[0], fv: filter[1] },
  )
  return new Map(r.map(({ value, ...m }) => [value, num(m)]))
}

describe('rollup of a generated day against its ground truth', () => {
  it('totals match', async () => {
    const [t] = await rows<Metrics>(store, 'SELECT visitors, visits, pageviews, bounces, duration_s, events, engagement_ms FROM agg_totals_daily')
    expect(num(t!)).toEqual(visitMetrics(traffic.visits))
    // 1,000 visitors, and 20 of the 40 whose day began with the tail of last night's visit.
    expect(num(t!).visitors).toBe(1020)
  })

  it('hourly totals add up and count visitors exactly per hour', async () => {
    const hourly = await rows<{ hour: string; visitors: string; visits: string; pageviews: string }>(store, 'SELECT toString(hour) AS hour, visitors, visits, pageviews FROM agg_totals_hourly ORDER BY hour')
    const byHour = groupBy(visitHits(), (r) => new Date(Math.floor(r.ts / 3600_000) * 3600_000).toISOString().slice(0, 19).replace('T', ' '))
    expect(hourly.length).toBe(byHour.size)
    for (const h of hourly) {
      const hits = byHour.get(h.hour)!
      expect(Number(h.visitors), h.hour).toBe(new Set(hits.map((x) => x.visitor_id)).size)
      expect(Number(h.pageviews), h.hour).toBe(hits.filter((x) => x.name === 'pageview').length)
    }
    expect(sum(hourly, (h) => Number(h.visits))).toBe(traffic.visits.length)
  })

  it('visit dimensions match: source, country, entry and exit page', async () => {
    for (const [dim, key] of [
      ['source', (v: Traffic['visits'][number]) => v.source],
      ['country', (v: Traffic['visits'][number]) => v.country],
      ['entry_page', (v: Traffic['visits'][number]) => v.entry],
      ['exit_page', (v: Traffic['visits'][number]) => v.exit],
    ] as const) {
      const got = await breakdown(dim)
      const want = groupBy(traffic.visits, key)
      expect([...got.keys()].sort(), dim).toEqual([...want.keys()].sort())
      for (const [value, visits] of want) expect(got.get(value), `${dim}=${value}`).toEqual(visitMetrics(visits))
    }
  })

  it('pages count pageviews, visitors and visits per path', async () => {
    const got = await breakdown('page')
    const pageviews = traffic.rows.filter((r) => r.name === 'pageview')
    for (const [path, hits] of groupBy(pageviews, (r) => r.path)) {
      const g = got.get(path)!
      expect(g.pageviews, path).toBe(hits.length)
      expect(g.visitors, path).toBe(new Set(hits.map((h) => h.visitor_id)).size)
      const visitsWithPath = traffic.visits.filter((v) => v.hits.some((h) => h.name === 'pageview' && h.path === path))
      expect(g.visits, path).toBe(visitsWithPath.length)
    }
  })

  it('pairs match: countries of visits from each source', async () => {
    for (const [source, visits] of groupBy(traffic.visits, (v) => v.source)) {
      const got = await breakdown('country', ['source', source])
      for (const [country, vs] of groupBy(visits, (v) => v.country)) expect(got.get(country), `${source} x ${country}`).toEqual(visitMetrics(vs))
    }
  })

  it('custom events, props and goals match', async () => {
    const ev = await rows<{ kind: string; event: string; prop_key: string; prop_value: string; visitors: string; events: string }>(store, 'SELECT kind, event, prop_key, prop_value, visitors, events FROM agg_events_daily')
    const signups = visitHits().filter((r) => r.name === 'Signup')
    const total = ev.find((e) => e.kind === 'event' && e.event === 'Signup' && e.prop_key === '')!
    expect(Number(total.events)).toBe(signups.length)
    expect(Number(total.visitors)).toBe(new Set(signups.map((s) => s.visitor_id)).size)
    for (const [plan, hits] of groupBy(signups, (s) => s.props.plan!)) {
      const row = ev.find((e) => e.event === 'Signup' && e.prop_key === 'plan' && e.prop_value === plan)!
      expect(Number(row.events), plan).toBe(hits.length)
    }
    const pricing = visitHits().filter((r) => r.name === 'pageview' && r.path === '/pricing')
    const goal = ev.find((e) => e.kind === 'goal' && e.event === 'Visit /pricing')!
    expect(Number(goal.visitors)).toBe(new Set(pricing.map((p) => p.visitor_id)).size)
    expect(Number(ev.find((e) => e.kind === 'goal' && e.event === 'Signup')!.events)).toBe(signups.length)
  })

  it('stores no visitor hash in any aggregate and leaves the work table empty', async () => {
    const cols = await rows<{ table: string; name: string }>(store, "SELECT table, name FROM system.columns WHERE database = currentDatabase() AND table LIKE 'agg_%'")
    expect(cols.some((c) => /visitor_id|visit_no/.test(c.name))).toBe(false)
    expect(await rows(store, 'SELECT 1 FROM rollup_work LIMIT 1')).toEqual([])
  })
})
