import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type Config } from '@quiet-analytics/core'
import { Aggregator, rollupMonth } from '@quiet-analytics/aggregator'
import { generateDay, groupBy, sum, type Traffic } from '../../../test/fixtures/traffic.ts'
import { rows as query, tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { startTestDashboard, type TestDashboard } from '../../../test/support/dashboard-server.ts'

const DAY1 = '2026-11-19'
const DAY2 = '2026-11-20'
let store: Awaited<ReturnType<typeof tempStore>>
let config: Config
let dash: TestDashboard
let traffic1: Traffic
let traffic2: Traffic
let admin: Awaited<ReturnType<TestDashboard['login']>>

const truth = (visits: Traffic['visits']) => {
  const v = visits.length
  return {
    visitors: new Set(visits.map((x) => x.visitor)).size,
    visits: v,
    pageviews: sum(visits, (x) => x.pageviews),
    bounce_rate: Math.round((1000 * visits.filter((x) => x.bounce).length) / v) / 10,
    visit_duration: Math.round(sum(visits, (x) => x.durationS) / v),
  }
}

beforeAll(async () => {
  config = testConfig({ aggregation: { minGroupSize: 1 } })
  store = await tempStore(config)
  traffic1 = generateDay({ siteId: 'test', dayStartMs: Date.parse(`${DAY1}T00:00:00Z`), visitors: 300, seed: 21 })
  traffic2 = generateDay({ siteId: 'test', dayStartMs: Date.parse(`${DAY2}T00:00:00Z`), visitors: 400, seed: 22 })
  await store.client.insert({ table: 'raw_hits', values: [...traffic1.rows, ...traffic2.rows], format: 'JSONEachRow' })
  await new Aggregator(config, store, createLogger('silent'), manualClock(Date.parse('2026-11-21T10:00:00Z'))).rollup()
  dash = await startTestDashboard(config, store, Date.parse(`${DAY2}T12:00:00Z`))
  admin = await dash.login('admin', await dash.user('admin', 'admin'))
}, 60_000)
afterAll(async () => {
  await dash.stop()
  await store.destroy()
})

const json = async <T>(res: Response | Promise<Response>): Promise<T> => {
  const r = await res
  expect(r.status, await r.clone().text()).toBe(200)
  return (await r.json()) as T
}
type Totals = { visitors: number; visits: number; pageviews: number; bounce_rate: number; visit_duration: number; views_per_visit: number }

describe('stats API over seeded aggregates', () => {
  it('top-line metrics of a day equal the ground truth', async () => {
    const t = await json<{ totals: Totals; visitorsSummedDaily: boolean }>(admin.get(`/api/stats/aggregate?site=test&period=custom&from=${DAY2}&to=${DAY2}`))
    expect(t.totals).toMatchObject(truth(traffic2.visits))
    expect(t.visitorsSummedDaily).toBe(false)
  })

  it('sums unique visitors daily over a range and compares with the previous period', async () => {
    const t = await json<{ totals: Totals; visitorsSummedDaily: boolean; previous: { totals: Totals; change: Totals } }>(
      admin.get(`/api/stats/aggregate?site=test&period=custom&from=${DAY2}&to=${DAY2}&compare=previous`),
    )
    const prev = truth(traffic1.visits)
    expect(t.previous.totals).toMatchObject(prev)
    expect(t.previous.change.visitors).toBe(Math.round((1000 * (truth(traffic2.visits).visitors - prev.visitors)) / prev.visitors) / 10)
    const both = await json<{ totals: Totals; visitorsSummedDaily: boolean }>(admin.get(`/api/stats/aggregate?site=test&period=custom&from=${DAY1}&to=${DAY2}`))
    expect(both.totals.visitors).toBe(truth(traffic1.visits).visitors + truth(traffic2.visits).visitors)
    expect(both.visitorsSummedDaily).toBe(true)
  })

  it('filters the top line and breakdowns by a value', async () => {
    const hn = traffic2.visits.filter((v) => v.source === 'Hacker News')
    const t = await json<{ totals: Totals }>(admin.get(`/api/stats/aggregate?site=test&period=custom&from=${DAY2}&to=${DAY2}&filter=source:Hacker%20News`))
    expect(t.totals).toMatchObject(truth(hn))
    const countries = await json<({ value: string } & Totals)[]>(admin.get(`/api/stats/breakdown/country?site=test&period=custom&from=${DAY2}&to=${DAY2}&filter=source:Hacker%20News&limit=100`))
    for (const [country, visits] of groupBy(hn, (v) => v.country)) expect(countries.find((c) => c.value === country), country).toMatchObject(truth(visits))
  })

  it('returns breakdowns ordered by visitors, timeseries by day and hour, custom events, and CSV', async () => {
    const sources = await json<({ value: string } & Totals)[]>(admin.get(`/api/stats/breakdown/source?site=test&period=custom&from=${DAY2}&to=${DAY2}`))
    expect(sources.map((s) => s.visitors)).toEqual([...sources.map((s) => s.visitors)].sort((a, b) => b - a))
    const daily = await json<{ interval: string; points: ({ t: string } & Totals)[] }>(admin.get(`/api/stats/timeseries?site=test&period=custom&from=${DAY1}&to=${DAY2}&interval=day`))
    expect(daily.points.map((p) => [p.t, p.pageviews])).toEqual([[DAY1, truth(traffic1.visits).pageviews], [DAY2, truth(traffic2.visits).pageviews]])
    const hourly = await json<{ interval: string; points: Totals[] }>(admin.get(`/api/stats/timeseries?site=test&period=custom&from=${DAY2}&to=${DAY2}`))
    expect(hourly.interval).toBe('hour')
    expect(hourly.points).toHaveLength(24)
    expect(sum(hourly.points, (p) => p.pageviews)).toBe(truth(traffic2.visits).pageviews)
    const events = await json<{ name: string; events: number }[]>(admin.get(`/api/stats/events?site=test&period=custom&from=${DAY2}&to=${DAY2}`))
    expect(events).toMatchObject([{ name: 'Signup', events: traffic2.rows.filter((r) => r.name === 'Signup').length }])
    const csv = await admin.get(`/api/stats/breakdown/source.csv?site=test&period=custom&from=${DAY2}&to=${DAY2}`)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe('value,visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration')
    expect(lines).toHaveLength(sources.length + 1)
  })

  it('refuses bad parameters with 400 and a reason, and unknown sites with 404', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/stats/aggregate?site=test&period=fortnight', 400, /period/],
      ['/api/stats/aggregate?site=test&period=custom&from=2026-11-20', 400, /custom/],
      ["/api/stats/aggregate?site=test&filter=nosuchdim:x' OR 1=1", 400, /filter/],
      ['/api/stats/breakdown/password?site=test', 400, /unknown dimension/],
      ['/api/stats/breakdown/country?site=test&filter=language:de', 400, /cannot be filtered by language/],
      ['/api/stats/timeseries?site=test&period=today&filter=source:Google', 400, /daily resolution/],
      ['/api/stats/aggregate?site=other', 404, /unknown site/],
      // Bounded: no request may hold the store for long, and impossible dates are refused, not failed on.
      ['/api/stats/timeseries?site=test&period=custom&from=1900-01-01&to=2299-12-31&interval=hour', 400, /from: a day from 2000-01-01 to 2099-12-31/],
      ['/api/stats/aggregate?site=test&period=custom&from=2000-01-01&to=2099-12-31', 400, /at most 3660 days/],
      ['/api/stats/timeseries?site=test&period=12mo&interval=hour', 400, /interval=hour covers at most 31 days/],
      ['/api/stats/aggregate?site=test&period=custom&from=2026-13-01&to=2026-13-02', 400, /calendar day/],
      ['/api/stats/breakdown/page?site=test&limit=100000', 400, /limit/],
    ]
    for (const [path, status, reason] of cases) {
      const res = await admin.get(path)
      expect(res.status, path).toBe(status)
      expect(((await res.json()) as { error: string }).error, path).toMatch(reason)
    }
  })

  it('reads whole months from the monthly sums and gives the same numbers as the days', async () => {
    // Synthetic daily rows from 2026-09-30 to 2026-11-01, then the monthly sums of those months.
    await store.client.command({
      query: `INSERT INTO agg_totals_daily (site_id, day, visitors, visits, pageviews, bounces, duration_s)
              SELECT 'test', toDate('2026-09-30') + number, 10 + number, 12 + number, 30 + number, 3, 100 FROM numbers(33)`,
    })
    await store.client.command({
      query: `INSERT INTO agg_breakdown_daily (site_id, day, filter_dimension, filter_value, dimension, value, visitors, visits, pageviews, bounces, duration_s)
              SELECT 'test', toDate('2026-09-30') + number, '', '', 'country', if(number % 2 = 0, 'DE', 'FR'), 5 + number, 6, 9, 1, 50 FROM numbers(33)`,
      clickhouse_settings: { max_partitions_per_insert_block: '0' },
    })
    for (const day of ['2026-09-30', '2026-10-15', '2026-11-01']) await rollupMonth(store.client, day)
    const range = 'period=custom&from=2026-09-30&to=2026-11-01'
    const t = await json<{ totals: Totals }>(admin.get(`/api/stats/aggregate?site=test&${range}`))
    const [daily] = await query<Record<string, string>>(store, "SELECT sum(visitors) AS v, sum(visits) AS s, sum(pageviews) AS p FROM agg_totals_daily WHERE site_id = 'test' AND day BETWEEN '2026-09-30' AND '2026-11-01'")
    expect([t.totals.visitors, t.totals.visits, t.totals.pageviews]).toEqual([Number(daily!.v), Number(daily!.s), Number(daily!.p)])
    const countries = await json<({ value: string } & Totals)[]>(admin.get(`/api/stats/breakdown/country?site=test&${range}`))
    const byCountry = await query<{ value: string; v: string }>(store, "SELECT value, sum(visitors) AS v FROM agg_breakdown_daily WHERE site_id = 'test' AND dimension = 'country' AND filter_dimension = '' AND day BETWEEN '2026-09-30' AND '2026-11-01' GROUP BY value")
    for (const c of byCountry) expect(countries.find((x) => x.value === c.value)!.visitors, c.value).toBe(Number(c.v))
    const monthly = await json<{ interval: string; points: ({ t: string } & Totals)[] }>(admin.get(`/api/stats/timeseries?site=test&${range}&interval=month`))
    expect(monthly.points.map((p) => p.t)).toEqual(['2026-09', '2026-10', '2026-11'])
    expect(monthly.points[1]!.visitors).toBe(Array.from({ length: 31 }, (_, i) => 11 + i).reduce((a, b) => a + b, 0))
  })

  it('answers SQL-looking filter values as plain values', async () => {
    const t = await json<{ totals: Totals }>(admin.get(`/api/stats/aggregate?site=test&filter=${encodeURIComponent("source:x' OR '1'='1")}`))
    expect(t.totals.visitors).toBe(0)
    expect(await query(store, "SELECT count() AS n FROM agg_totals_daily WHERE day >= '2026-11-19'")).toEqual([{ n: '2' }])
  })
})
