import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { addMonths, createLogger, manualClock } from '@quiet-analytics/core'
import { rollupMonth } from '@quiet-analytics/aggregator'
import type { ClickHouseClient } from '@quiet-analytics/store'
import { openBenchStore } from './lib/bench-store.ts'
import { machine } from './lib/machine.ts'
import { formatSpread, spread, type Spread } from './lib/spread.ts'
import { accountsFor, dashboardApp } from '@quiet-analytics/dashboard'

/** Median over the rounds of each round's percentile, with the range it moved in. */
export interface QueryResult {
  name: string
  p50Ms: number
  p95Ms: number
  p50: Spread
  p95: Spread
}

export interface QueriesResult {
  days: number
  aggregateRows: number
  queries: QueryResult[]
  dashboardLoad: QueryResult & { requests: number }
  rounds: number
  /** Whether the dashboard kept its answers between requests (the aggregates do not change during the bench). */
  resultCache: boolean
}

const DIMS: [string, number][] = [
  ['page', 600], ['entry_page', 300], ['exit_page', 300], ['hostname', 1], ['source', 60], ['referrer', 60], ['utm_source', 5], ['utm_medium', 3],
  ['utm_campaign', 8], ['utm_term', 4], ['utm_content', 4], ['country', 40], ['browser', 15], ['browser_version', 60], ['os', 8], ['os_version', 30],
  ['device', 3], ['screen', 4], ['language', 10],
]
const FILTERS: [string, number][] = [['source', 20], ['country', 20], ['device', 3], ['browser', 10], ['os', 8], ['utm_campaign', 8], ['entry_page', 20]]
export const END = '2026-11-20'
const DAYS = 395

/** 13 months of aggregates for a site of about 10 million pageviews a month, made in SQL. */
export async function seed(db: ClickHouseClient, pairValues: number): Promise<void> {
  // One INSERT spans all 395 daily partitions here; the aggregator never writes more than one.
  const client = { command: (c: { query: string }) => db.command({ ...c, clickhouse_settings: { max_partitions_per_insert_block: '0' } }) }
  const start = `toDate('${END}') - ${DAYS - 1}`
  await client.command({
    query: `INSERT INTO agg_totals_daily (site_id, day, visitors, visits, pageviews, bounces, duration_s, events, engagement_ms) SELECT 'bench', ${start} + number, 100000 + number % 7 * 5000, 120000, 330000, 50000, 120000 * 95, 4000, 0 FROM numbers(${DAYS})`,
  })
  await client.command({
    query: `INSERT INTO agg_totals_hourly (site_id, day, hour, visitors, visits, pageviews, bounces, duration_s, events, engagement_ms) SELECT 'bench', ${start} + intDiv(number, 24), toDateTime(${start} + intDiv(number, 24)) + (number % 24) * 3600, 6000, 5000, 14000, 2100, 5000 * 95, 170, 0 FROM numbers(${DAYS * 24})`,
  })
  // One INSERT per table, so each day partition gets one part, as after REPLACE PARTITION.
  const dims = `[${DIMS.map(([d, c]) => `tuple('${d}', ${c})`).join(', ')}]`
  const filters = `[tuple('', 1), ${FILTERS.map(([d, c]) => `tuple('${d}', ${c})`).join(', ')}]`
  await client.command({
    query: `INSERT INTO agg_breakdown_daily
        (site_id, day, filter_dimension, filter_value, dimension, value, visitors, visits, pageviews, bounces, duration_s, events, engagement_ms, engagements)
      SELECT 'bench', ${start} + d, f.1, if(f.1 = '', '', concat(f.1, '-', toString(fv))), dm.1, concat(dm.1, '-', toString(v)),
        intDiv(w, v + 1) + 5, intDiv(w * 6 / 5, v + 1) + 5, intDiv(w * 33 / 10, v + 1) + 5, intDiv(w / 2, v + 1), intDiv(w * 6 / 5, v + 1) * 95, 0, 0, 0
      FROM (SELECT number AS d FROM numbers(${DAYS}))
      ARRAY JOIN ${dims} AS dm
      ARRAY JOIN ${filters} AS f
      ARRAY JOIN range(f.2) AS fv
      ARRAY JOIN range(if(f.1 = '', dm.2, least(dm.2, ${pairValues}))) AS v
      ARRAY JOIN [if(f.1 = '', 100000, 5000)] AS w
      WHERE f.1 != dm.1
      ORDER BY d`,
  })
  await client.command({
    query: `INSERT INTO agg_events_daily (site_id, day, kind, event, prop_key, prop_value, visitors, events)
      SELECT 'bench', ${start} + intDiv(number, 10), 'event', concat('Event ', toString(number % 10)), '', '', 500, 700 FROM numbers(${DAYS * 10})`,
  })
  // The monthly tables as the aggregator builds them, month by month.
  for (let m = 0; m < 14; m++) await rollupMonth(db, `${addMonths(END.slice(0, 7), -m)}-01`)
  await client.command({ query: `INSERT INTO agg_realtime (site_id, minute, visitors_5m, pageviews, computed_at) SELECT 'bench', toStartOfMinute(now()) - number * 60, 80, 200, now64(3) FROM numbers(60)` })
}

/** A dashboard is read after its data was rolled up, not during a bulk load: let the seeding's merges finish first. */
export async function mergesSettled(db: ClickHouseClient, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs
  while (Date.now() < until) {
    const [row] = await (await db.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' })).json<{ n: string }>()
    if (Number(row?.n ?? 0) === 0) return
    await new Promise((r) => setTimeout(r, 250))
  }
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10
}

export async function runQueryBench(opts: { iterations: number; rounds: number; pairValues: number; resultCache: boolean; log?: (s: string) => void }): Promise<QueriesResult> {
  const log = opts.log ?? (() => {})
  const bench = await openBenchStore('queries', { sites: [{ id: 'bench', domains: ['bench.example'] }], dashboard: { resultCache: opts.resultCache } })
  const { config, store } = bench
  try {
    const t0 = performance.now()
    await seed(store.client, opts.pairValues)
    const [{ n }] = (await (await store.client.query({ query: 'SELECT count() AS n FROM agg_breakdown_daily', format: 'JSONEachRow' })).json<{ n: string }>()) as [{ n: string }]
    log(`seeded ${DAYS} days of aggregates (${n} breakdown rows) in ${Math.round(performance.now() - t0)} ms`)
    await mergesSettled(store.client, 60_000)
    const owner = accountsFor(config, store)
    await owner.accounts.setUser('bench', 'admin')
    const { key } = await owner.keys.create({ username: 'bench', scope: 'stats:read', sites: ['bench'] })
    // The dashboard reads as its own database user, within its query limits, as deployed.
    const clock = manualClock(Date.parse(`${END}T12:00:00Z`))
    const reader = await bench.connect('dashboard')
    const server = createServer(dashboardApp(config, reader, accountsFor(config, reader, clock), createLogger('silent'), clock))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } })
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
    }
    const q = (s: string) => `site=bench&${s}`
    const QUERIES: [string, string][] = [
      ['aggregate 30d + compare', `/api/stats/aggregate?${q('period=30d&compare=previous')}`],
      ['aggregate 12mo + compare', `/api/stats/aggregate?${q('period=12mo&compare=previous')}`],
      ['aggregate 12mo filtered', `/api/stats/aggregate?${q('period=12mo&filter=country:country-3')}`],
      ['timeseries today (hourly)', `/api/stats/timeseries?${q('period=today')}`],
      ['timeseries 30d (daily)', `/api/stats/timeseries?${q('period=30d')}`],
      ['timeseries 12mo (monthly)', `/api/stats/timeseries?${q('period=12mo')}`],
      ['timeseries 12mo filtered', `/api/stats/timeseries?${q('period=12mo&filter=source:source-1')}`],
      ['breakdown page 30d', `/api/stats/breakdown/page?${q('period=30d')}`],
      ['breakdown page 12mo', `/api/stats/breakdown/page?${q('period=12mo')}`],
      ['breakdown country 12mo by source', `/api/stats/breakdown/country?${q('period=12mo&filter=source:source-2')}`],
      ['breakdown page 30d by country', `/api/stats/breakdown/page?${q('period=30d&filter=country:country-1')}`],
      ['breakdown CSV page 12mo', `/api/stats/breakdown/page.csv?${q('period=12mo&limit=1000')}`],
      ['events 12mo', `/api/stats/events?${q('period=12mo')}`],
      ['current visitors', `/api/stats/current?${q('')}`],
    ]
    // One pass over every query first: caches warm as they would behind a dashboard in use.
    for (const [, path] of QUERIES) await get(path)
    const load = [
      `/api/stats/aggregate?${q('period=30d&compare=previous')}`,
      `/api/stats/current?${q('')}`,
      `/api/stats/timeseries?${q('period=30d')}`,
      ...['page', 'source', 'country', 'browser'].map((d) => `/api/stats/breakdown/${d}?${q('period=30d')}`),
      `/api/stats/goals?${q('period=30d')}`,
    ]
    const LOAD = `full dashboard load (${load.length} requests)`
    // Rounds over every query in turn: a slow spell of the machine shows as spread, not as one query's figure.
    const samples = new Map<string, number[][]>([...QUERIES.map(([name]) => name), LOAD].map((name) => [name, []]))
    const perRound = Math.max(1, Math.round(opts.iterations / opts.rounds))
    for (let round = 0; round < opts.rounds; round++) {
      for (const [name, path] of QUERIES) {
        const times: number[] = []
        for (let i = 0; i < perRound; i++) {
          const t = performance.now()
          await get(path)
          times.push(performance.now() - t)
        }
        samples.get(name)!.push(times)
      }
      const loads: number[] = []
      for (let i = 0; i < perRound; i++) {
        const t = performance.now()
        await Promise.all(load.map(get))
        loads.push(performance.now() - t)
      }
      samples.get(LOAD)!.push(loads)
    }
    const result = (name: string): QueryResult => {
      const rounds = samples.get(name)!
      const p50 = spread(rounds.map((r) => percentile(r, 50)))
      const p95 = spread(rounds.map((r) => percentile(r, 95)))
      log(`${name.padEnd(34)} p50 ${formatSpread(p50)} ms  p95 ${formatSpread(p95)} ms`)
      return { name, p50Ms: p50.median, p95Ms: p95.median, p50, p95 }
    }
    const queries = QUERIES.map(([name]) => result(name))
    const dashboardLoad = { ...result(LOAD), requests: load.length }
    server.closeAllConnections()
    server.close()
    return { days: DAYS, aggregateRows: Number(n), queries, dashboardLoad, rounds: opts.rounds, resultCache: opts.resultCache }
  } finally {
    await bench.close()
  }
}

/** pnpm bench:queries: the stats API part of `pnpm bench` alone, with the answer cache and without (bench/results/queries.json). */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now()
  const log = (s: string) => process.stdout.write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(3)} s] ${s}\n`)
  const cached = await runQueryBench({ iterations: 30, rounds: 3, pairValues: 20, resultCache: true, log })
  log('again with the answer cache off: every request computed by the store')
  const uncached = await runQueryBench({ iterations: 30, rounds: 3, pairValues: 20, resultCache: false, log })
  writeFileSync(new URL('./results/queries.json', import.meta.url), `${JSON.stringify({ at: new Date(started).toISOString(), machine: machine(), cached, uncached }, null, 2)}\n`)
}
