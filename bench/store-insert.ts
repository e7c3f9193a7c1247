/**
 * pnpm bench:store-insert: what the store process spends per raw row it stores, apart
 * from the collector. Inserts the same realistic rows in batches of the size the
 * collector sends, once per insert variant, and reads the store process's
 * CPU (all its threads) around each, after waiting for the merges they cause to end.
 * Writes bench/results/store-insert.{json,md}.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { loadConfig, RAW_HIT_COLUMNS, type RawHit } from '@quiet-analytics/core'
import { connectStore, migrate, startStoreProcess } from '@quiet-analytics/store'
import { machine } from './lib/machine.ts'
import { cpuSeconds } from './lib/process-stats.ts'
import { formatSpread, spread, type Spread } from './lib/spread.ts'

const ROWS = 60_000
const ROUNDS = Number(process.env.QA_BENCH_ROUNDS ?? 5)
const log = (s: string) => process.stdout.write(`${s}\n`)

/** Rows shaped like the corpus's: a few sites, paths and agents, a distinct visitor each. */
function row(i: number, ts: number): RawHit {
  const pick = <T>(xs: readonly T[]) => xs[i % xs.length]!
  return {
    ts,
    site_id: pick(['site-a', 'site-b', 'site-c']),
    visitor_id: `${BigInt(i) * 2654435761n + 12345n}`,
    name: i % 9 === 0 ? 'engagement' : 'pageview',
    hostname: pick(['example.com', 'blog.example.com']),
    path: `/posts/${i % 400}/some-title-${i % 37}`,
    referrer_host: pick(['', 'www.google.com', 'news.ycombinator.com', '']),
    source: pick(['', 'Google', 'Hacker News', '']),
    utm_source: i % 11 === 0 ? 'newsletter' : '',
    utm_medium: i % 11 === 0 ? 'email' : '',
    utm_campaign: '',
    utm_term: '',
    utm_content: '',
    browser: pick(['Chrome', 'Firefox', 'Safari', 'Edge']),
    browser_version: pick(['131.0', '132.0', '18.1']),
    os: pick(['Windows', 'macOS', 'Android', 'iOS', 'Linux']),
    os_version: pick(['10', '14.6', '15', '18.1']),
    device: pick(['desktop', 'mobile', 'desktop', 'tablet']),
    country: pick(['DE', 'US', 'FR', 'GB', 'NL']),
    screen_class: pick(['desktop', 'mobile', 'laptop']),
    language: pick(['en', 'de', 'fr']),
    engagement_ms: i % 9 === 0 ? 12000 : 0,
    scroll_depth: i % 9 === 0 ? 60 : 0,
    props: {},
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'qa-store-insert-'))
const config = loadConfig({}, { dataDir, sites: [{ domains: ['example.com'] }], logLevel: 'silent' })
const engine = await startStoreProcess({ dataDir, database: config.clickhouse.database, httpPort: 0, dashboardUser: config.server.dashboardUser })
const store = await connectStore(config)
await migrate(store.client)

const now = Date.now()
const lines = Array.from({ length: ROWS }, (_, i) => {
  const hit = row(i, now - 60_000 + (i % 60_000))
  return JSON.stringify(RAW_HIT_COLUMNS.map((c) => hit[c]))
})
const batchesOf = (size: number) => Array.from({ length: Math.ceil(ROWS / size) }, (_, b) => lines.slice(b * size, (b + 1) * size).join('\n'))

/** As the collector inserts (JSONCompactEachRow, a deduplication token), in batches of several sizes, and with one setting changed. */
const VARIANTS: { name: string; batchRows: number; settings: Record<string, string | number>; noMerges?: true }[] = [
  { name: '1,000-row batches', batchRows: 1000, settings: {} },
  { name: '5,000-row batches (the default batchMaxRows)', batchRows: 5000, settings: {} },
  { name: '20,000-row batches', batchRows: 20_000, settings: {} },
  { name: '5,000-row batches without parallel parsing', batchRows: 5000, settings: { input_format_parallel_parsing: 0 } },
  { name: '5,000-row batches without a deduplication token', batchRows: 5000, settings: { insert_deduplication_token: '' } },
  { name: '5,000-row batches, merges stopped', batchRows: 5000, settings: {}, noMerges: true },
]

const activeMerges = () =>
  store.client
    .query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' })
    .then((r) => r.json<{ n: string }>())
    .then((rows) => Number(rows[0]!.n))
/** No merge running for a second: the engine schedules merges a little after the inserts that cause them. */
async function settled(): Promise<void> {
  for (let quiet = 0; quiet < 10; ) {
    await new Promise((r) => setTimeout(r, 100))
    quiet = (await activeMerges()) > 0 ? 0 : quiet + 1
  }
}

const results: { variant: string; usPerRow: number[]; spread?: Spread }[] = []
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of VARIANTS) {
      // Each variant starts from an empty table: no part or merge of another is charged to it.
      await store.client.command({ query: 'TRUNCATE TABLE raw_hits' })
      await store.client.command({ query: `SYSTEM ${v.noMerges ? 'STOP' : 'START'} MERGES raw_hits` })
      await settled()
      const t0 = performance.now()
      const before = cpuSeconds(engine.enginePid).process
      for (const body of batchesOf(v.batchRows)) {
        const r = await store.client.exec({
          query: `INSERT INTO raw_hits (${RAW_HIT_COLUMNS.join(', ')}) FORMAT JSONCompactEachRow`,
          values: Readable.from([Buffer.from(body)]),
          clickhouse_settings: { insert_deduplication_token: randomUUID(), date_time_input_format: 'basic', ...v.settings },
        })
        r.stream.resume()
        await finished(r.stream)
      }
      const t1 = performance.now()
      await settled()
      log(`inserts ${((t1 - t0) / 1000).toFixed(1)} s, merges after ${((performance.now() - t1) / 1000).toFixed(1)} s`)
      const us = ((cpuSeconds(engine.enginePid).process - before) * 1e6) / ROWS
      const entry = results.find((r) => r.variant === v.name) ?? (results.push({ variant: v.name, usPerRow: [] }), results.at(-1)!)
      entry.usPerRow.push(Number(us.toFixed(1)))
      log(`${v.name}: ${us.toFixed(1)} µs per row`)
    }
  }
} finally {
  await store.close()
  await engine.stop()
  rmSync(dataDir, { recursive: true, force: true })
}
for (const r of results) r.spread = spread(r.usPerRow)
const summary = { name: 'store-insert', at: new Date().toISOString(), machine: machine(), rows: ROWS, rounds: ROUNDS, results }
const md = [
  `# Benchmark: the store's CPU per stored raw row (${summary.at})`,
  '',
  `${ROWS} realistic rows per variant and round, ${ROUNDS} rounds, the variants in turn; the store process's CPU (every thread) from before the first insert until the merges they caused have ended. The store alone: no collector shares its core.`,
  '',
  '| insert | µs per row: median (min–max) |',
  '|---|---|',
  ...results.map((r) => `| ${r.variant} | ${formatSpread(r.spread!)} |`),
  '',
].join('\n')
const out = new URL('./results/', import.meta.url)
mkdirSync(out, { recursive: true })
writeFileSync(new URL('./store-insert.json', out), `${JSON.stringify(summary, null, 2)}\n`)
writeFileSync(new URL('./store-insert.md', out), md)
log(md)
