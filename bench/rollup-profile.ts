/**
 * pnpm bench:rollup-profile [--pageviews N] [--runs N]: where a rollup's time goes. Seeds
 * the quick run's day (1% of a 10-million-pageview day), rolls it up `runs` times (forced)
 * and times every statement the aggregator sends, grouped by kind, as the client sees
 * it (round trip included). Writes bench/results/rollup-profile.json and .md.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import type { ClickHouseClient, Store } from '@quiet-analytics/store'
import { openBenchStore } from './lib/bench-store.ts'
import { loadCorpus } from './lib/corpus.ts'
import { rawDay } from './lib/raw-traffic.ts'
import { formatSpread, spread, timeRuns } from './lib/spread.ts'

const H = 3600_000
const { values } = parseArgs({ options: { pageviews: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } } })
const pageviews = Number(values.pageviews)
const runs = Number(values.runs)

/** A statement's kind: its verb and the table it works on, without the values. */
function kindOf(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim()
  const m =
    /^(ALTER TABLE \S+ (?:DROP|REPLACE) PARTITION)/i.exec(q) ??
    /^(INSERT INTO \S+)/i.exec(q) ??
    /^(SELECT count\(\) AS n FROM \S+)/i.exec(q) ??
    /^(SELECT .{0,40})/i.exec(q)
  return m?.[1] ?? q.slice(0, 50)
}

/** The store's client with every call timed by statement kind. */
function timed(store: Store, into: Map<string, number[]>): Store {
  const record = (query: string, ms: number) => {
    const k = kindOf(query)
    into.set(k, [...(into.get(k) ?? []), ms])
  }
  const client = new Proxy(store.client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (prop !== 'command' && prop !== 'query' && prop !== 'exec') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      return async (params: { query: string }) => {
        const t = performance.now()
        try {
          const result = await (value as (p: unknown) => Promise<{ json?: () => Promise<unknown> }>).call(target, params)
          if (prop === 'query' && result.json) {
            const rows = await result.json()
            record(params.query, performance.now() - t)
            return { json: async () => rows }
          }
          return result
        } finally {
          if (prop !== 'query') record(params.query, performance.now() - t)
        }
      }
    },
  }) as ClickHouseClient
  return { ...store, client }
}

const bench = await openBenchStore('rollup-profile', { sites: [{ id: 'bench', domains: ['bench.example'] }] })
try {
  const dayStart = Math.floor(Date.now() / (24 * H)) * 24 * H - 24 * H
  let rawRows = 0
  for (const chunk of rawDay(loadCorpus(), { siteId: 'bench', dayStartMs: dayStart, pageviews, seed: 3 })) {
    await bench.store.client.insert({ table: 'raw_hits', values: chunk, format: 'JSONEachRow' })
    rawRows += chunk.length
  }
  const clock = manualClock(dayStart + 22 * H)
  const statements = new Map<string, number[]>()
  const aggregator = new Aggregator({ ...bench.config, aggregation: { ...bench.config.aggregation, minGroupSize: 5 } }, timed(bench.store, statements), createLogger('silent'), clock)
  await aggregator.rollup({ force: true })
  statements.clear()
  const rollup = await timeRuns(runs, () => aggregator.rollup({ force: true }))
  const rows = [...statements]
    .map(([kind, ms]) => ({ kind, perRollup: ms.length / runs, msPerRollup: ms.reduce((s, x) => s + x, 0) / runs, each: spread(ms) }))
    .sort((a, b) => b.msPerRollup - a.msPerRollup)
  const accounted = rows.reduce((s, r) => s + r.msPerRollup, 0)
  const result = { at: new Date().toISOString(), pageviews, rawRows, runs, rollupMs: rollup, rowsPerSec: Math.round(rawRows / (rollup.median / 1000)), statementsPerRollup: rows.reduce((s, r) => s + r.perRollup, 0), accountedMs: Math.round(accounted), statements: rows }
  const md = [
    `# Rollup profile (${result.at})`,
    '',
    `${rawRows} raw rows (${pageviews} pageviews), ${runs} forced rollups of the same day: **${formatSpread(rollup)} ms** (median, min–max), ${result.rowsPerSec} rows/s at the median; ${result.statementsPerRollup} statements per rollup, ${result.accountedMs} ms of them per rollup on average (client-side, round trip included; a day's independent statements and two days run at once, so they add up to more than the rollup).`,
    '',
    '| statement | per rollup | ms per rollup | ms each: median (min–max) |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.kind}\` | ${r.perRollup} | ${r.msPerRollup.toFixed(1)} | ${formatSpread(r.each)} |`),
    '',
  ].join('\n')
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(new URL('./results/rollup-profile.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`)
  writeFileSync(new URL('./results/rollup-profile.md', import.meta.url), md)
  process.stdout.write(`${md}\n`)
} finally {
  await bench.close()
}
