import { createLogger, manualClock } from '@quiet-analytics/core'
import { openBenchStore } from './lib/bench-store.ts'
import { Aggregator } from '@quiet-analytics/aggregator'
import { loadCorpus } from './lib/corpus.ts'
import { rawDay } from './lib/raw-traffic.ts'
import { timeRuns, type Spread } from './lib/spread.ts'

export interface RollupResult {
  pageviews: number
  rawRows: number
  scaleOf10M: number
  insertRowsPerSec: number
  /** Median of the forced rollups of the same day. */
  rollupMs: number
  rollupMsSpread: Spread
  rollupRowsPerSec: number
  unchangedRerunMs: number
  purgeMs: number
  purgedRows: number
  breakdownRowsPlain: number
  breakdownRowsPairs: number
  shareOfPlainRowsUnderK: number
  /** Visits in those rows, as a share of all visits counted in plain breakdown rows. */
  shareOfVisitsUnderK: number
  k: number
}

const H = 3600_000
/** Forced rollups of the same day, for a median and its range. */
const ROLLUP_SAMPLES = 5

/**
 * One site-day of raw traffic at `pageviews`, rolled up twice (k = 1 to see the
 * groups as they are, then the default k), then closed and purged.
 */
export async function runRollupBench(opts: { pageviews: number; log?: (s: string) => void }): Promise<RollupResult> {
  const log = opts.log ?? (() => {})
  const k = 5
  const bench = await openBenchStore('rollup', { sites: [{ id: 'bench', domains: ['bench.example'] }] })
  const { config: base, store } = bench
  try {
    // Yesterday: the raw TTL backstop (240 h on the hits' own time) would delete a fixed past day.
    const dayStart = Math.floor(Date.now() / (24 * H)) * 24 * H - 24 * H
    let rawRows = 0
    const insertStart = performance.now()
    for (const chunk of rawDay(loadCorpus(), { siteId: 'bench', dayStartMs: dayStart, pageviews: opts.pageviews, seed: 3 })) {
      await store.client.insert({ table: 'raw_hits', values: chunk, format: 'JSONEachRow' })
      rawRows += chunk.length
    }
    const insertMs = performance.now() - insertStart
    const clock = manualClock(dayStart + 22 * H)
    const unfolded = new Aggregator({ ...base, aggregation: { ...base.aggregation, minGroupSize: 1 } }, store, createLogger('silent'), clock)
    await unfolded.rollup()
    const [under] = await (
      await store.client.query({
        query: `SELECT countIf(visitors < ${k}) AS small, count() AS n, sumIf(visits, visitors < ${k}) AS small_visits, sum(visits) AS all_visits
                FROM agg_breakdown_daily WHERE filter_dimension = ''`,
        format: 'JSONEachRow',
      })
    ).json<{ small: string; n: string; small_visits: string; all_visits: string }>()

    const aggregator = new Aggregator({ ...base, aggregation: { ...base.aggregation, minGroupSize: k } }, store, createLogger('silent'), clock)
    const rollupMsSpread = await timeRuns(ROLLUP_SAMPLES, () => aggregator.rollup({ force: true }))
    const rollupMs = rollupMsSpread.median
    const t1 = performance.now()
    await aggregator.rollup()
    const unchangedRerunMs = performance.now() - t1
    const [rows] = await (
      await store.client.query({ query: "SELECT countIf(filter_dimension = '') AS plain, countIf(filter_dimension != '') AS pairs FROM agg_breakdown_daily", format: 'JSONEachRow' })
    ).json<{ plain: string; pairs: string }>()

    clock.set(dayStart + 25 * H)
    await aggregator.rollup()
    const t2 = performance.now()
    const purged = await aggregator.purge()
    const purgeMs = performance.now() - t2
    const result: RollupResult = {
      pageviews: opts.pageviews,
      rawRows,
      scaleOf10M: opts.pageviews / 10_000_000,
      insertRowsPerSec: Math.round(rawRows / (insertMs / 1000)),
      rollupMs: Math.round(rollupMs),
      rollupMsSpread,
      rollupRowsPerSec: Math.round(rawRows / (rollupMs / 1000)),
      unchangedRerunMs: Math.round(unchangedRerunMs),
      purgeMs: Math.round(purgeMs),
      purgedRows: purged.reduce((s, p) => s + p.rows, 0),
      breakdownRowsPlain: Number(rows!.plain),
      breakdownRowsPairs: Number(rows!.pairs),
      shareOfPlainRowsUnderK: Number(under!.small) / Number(under!.n),
      shareOfVisitsUnderK: Number(under!.small_visits) / Number(under!.all_visits),
      k,
    }
    log(`rollup of ${rawRows} raw rows (${opts.pageviews} pageviews): ${result.rollupMs} ms, ${result.rollupRowsPerSec} rows/s; purge ${result.purgeMs} ms for ${result.purgedRows} rows`)
    return result
  } finally {
    await bench.close()
  }
}
