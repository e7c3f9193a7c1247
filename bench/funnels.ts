/**
 * pnpm bench:funnels [--pageviews N] [--rounds R]: one seeded site-day rolled up without
 * funnels and with five, alternately, R rounds each, in the same store. Prints the median
 * of each and their ratio; writes bench/results/funnels.json and .md.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createLogger, manualClock, type Funnel } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { openBenchStore } from './lib/bench-store.ts'
import { loadCorpus } from './lib/corpus.ts'
import { machine } from './lib/machine.ts'
import { rawDay } from './lib/raw-traffic.ts'

const { values } = parseArgs({ options: { pageviews: { type: 'string', default: '10000000' }, rounds: { type: 'string', default: '3' } } })
const pageviews = Number(values.pageviews)
const rounds = Number(values.rounds)
const started = Date.now()
const log = (s: string) => process.stdout.write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${s}\n`)

const FUNNELS: Funnel[] = [
  { name: 'Home to signup', order: 'eventually', steps: [{ page: '/' }, { page: '/pricing' }, { page: '/signup' }] },
  { name: 'Pricing then signup', order: 'directly', steps: [{ page: '/pricing' }, { page: '/signup' }] },
  { name: 'Blog to Signup', order: 'eventually', steps: [{ page: '/blog/*' }, { page: '/pricing' }, { event: 'Signup' }] },
  { name: 'Docs to pro', order: 'eventually', steps: [{ page: '/docs*' }, { page: '/signup' }, { event: 'Signup', property: { key: 'plan', value: 'pro' } }] },
  { name: 'Docs deep', order: 'directly', steps: [{ page: '/' }, { page: '/docs' }, { page: '/docs/*' }, { page: '/docs/*' }] },
]

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs)

// Yesterday: the raw TTL backstop (240 h on the hits' own time) would delete a fixed past day.
const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000
const site = { id: 'bench', domains: ['bench.example'], timezone: 'UTC', goals: [] }
const bench = await openBenchStore('funnels', { sites: [site], aggregation: { filterDimensions: ['source', 'country'] } })
try {
  let rawRows = 0
  for (const chunk of rawDay(loadCorpus(), { siteId: 'bench', dayStartMs: dayStart, pageviews, seed: 3, chunk: 200_000 })) {
    await bench.store.client.insert({ table: 'raw_hits', values: chunk, format: 'JSONEachRow' })
    rawRows += chunk.length
  }
  log(`seeded ${rawRows} raw rows (${pageviews} pageviews)`)
  const clock = manualClock(dayStart + 22 * 3_600_000)
  const aggregator = (funnels: Funnel[]) => new Aggregator({ ...bench.config, sites: [{ ...site, funnels }] }, bench.store, createLogger('silent'), clock)
  const timed = async (funnels: Funnel[]) => {
    const t0 = performance.now()
    await aggregator(funnels).rollup({ force: true })
    return performance.now() - t0
  }
  const without: number[] = []
  const withFunnels: number[] = []
  for (let r = 0; r < rounds; r++) {
    without.push(await timed([]))
    withFunnels.push(await timed(FUNNELS))
    log(`round ${r + 1}: without funnels ${Math.round(without.at(-1)!)} ms, with ${FUNNELS.length} funnels ${Math.round(withFunnels.at(-1)!)} ms`)
  }
  const [funnelRows] = await (await bench.store.client.query({ query: 'SELECT count() AS n FROM agg_funnels_daily', format: 'JSONEachRow' })).json<{ n: string }>()
  const result = {
    at: new Date(started).toISOString(),
    machine: machine(),
    pageviews,
    rawRows,
    rounds,
    funnels: FUNNELS.length,
    withoutMs: { median: Math.round(median(without)), spread: Math.round(spread(without)) },
    withMs: { median: Math.round(median(withFunnels)), spread: Math.round(spread(withFunnels)) },
    ratio: Number((median(withFunnels) / median(without)).toFixed(2)),
    rowsPerSecWith: Math.round(rawRows / (median(withFunnels) / 1000)),
    funnelRows: Number(funnelRows!.n),
  }
  log(`rollup with ${FUNNELS.length} funnels / without: ${result.ratio} (median of ${rounds}: ${result.withMs.median} ms vs ${result.withoutMs.median} ms)`)
  writeFileSync(new URL('./results/funnels.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`)
  writeFileSync(
    new URL('./results/funnels.md', import.meta.url),
    [
      `# Rollup with funnels (${result.at.slice(0, 10)})`,
      '',
      `One site-day of ${pageviews.toLocaleString('en')} pageviews (${rawRows.toLocaleString('en')} raw rows), filter dimensions source and country, rolled up with \`force\` alternately without funnels and with ${FUNNELS.length} (${FUNNELS.map((f) => `${f.name}: ${f.steps.length} steps, ${f.order}`).join('; ')}), ${rounds} rounds each.`,
      '',
      '| | median | spread |',
      '|---|---|---|',
      `| without funnels | ${result.withoutMs.median} ms | ${result.withoutMs.spread} ms |`,
      `| with ${FUNNELS.length} funnels | ${result.withMs.median} ms | ${result.withMs.spread} ms |`,
      '',
      `Ratio **${result.ratio}**; ${result.rowsPerSecWith.toLocaleString('en')} raw rows/s with funnels; ${result.funnelRows} funnel rows stored. Machine: ${JSON.stringify(result.machine)}.`,
      '',
    ].join('\n'),
  )
} finally {
  await bench.close()
}
