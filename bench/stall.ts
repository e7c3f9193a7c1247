/**
 * Can a dashboard request stall ingest? The collector and the dashboard run as their
 * own processes (`qa collector`, `qa dashboard`) on one bundled store seeded with 13
 * months of aggregates. Ingest is measured quiet, then while the heaviest stats
 * requests the API allows run in a loop, four at a time.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { accountsFor } from '@quiet-analytics/dashboard'
import { resolveSite } from '@quiet-analytics/core'
import { load } from './ingest.ts'
import { openBenchStore } from './lib/bench-store.ts'
import { loadCorpus } from './lib/corpus.ts'
import { buildRequests } from './lib/requests.ts'
import { END, mergesSettled, percentile, seed } from './queries.ts'
import { startServing, stopProcess } from '../test/support/cli-process.ts'

export interface IngestFigures {
  reqPerSec: number
  p50Ms: number
  p99Ms: number
}

export interface StallResult {
  quiet: IngestFigures
  loaded: IngestFigures
  statsRequests: { total: number; byStatus: Record<string, number>; p50Ms: number; p95Ms: number; maxMs: number }
  requests: string[]
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

export async function runStallBench(opts: { durationS: number; log?: (s: string) => void }): Promise<StallResult> {
  const log = opts.log ?? (() => {})
  const corpus = loadCorpus()
  const sites = [{ id: 'bench', domains: ['bench.example'] }, ...corpus.sites.map((d) => ({ domains: [d] }))]
  const bench = await openBenchStore('stall', { sites })
  const children: ChildProcess[] = []
  try {
    await seed(bench.store.client, 20)
    await mergesSettled(bench.store.client, 60_000)
    const dataDir = bench.config.dataDir
    const configFile = join(dataDir, 'bench-config.json')
    // The answer cache off: each heavy request is computed by the store, the worst case for ingest beside it.
    writeFileSync(configFile, JSON.stringify({ sites, collector: { trustedProxies: ['127.0.0.1'], rateLimitPerMinute: 0, maxBufferedRows: 1_000_000, processes: 1 }, dashboard: { resultCache: false } }))
    const owner = accountsFor(bench.config, bench.store)
    await owner.accounts.setUser('bench', 'admin')
    const { key } = await owner.keys.create({ username: 'bench', scope: 'stats:read', sites: sites.map((s) => resolveSite(s).id) })
    const env = { DATA_DIR: dataDir, CONFIG_FILE: configFile, COLLECTOR_PORT: '0', DASHBOARD_PORT: '0', LOG_LEVEL: 'silent' }
    const collector = await startServing(['collector'], env)
    children.push(collector.proc)
    const dashboard = await startServing(['dashboard'], env)
    children.push(dashboard.proc)
    const port = Number(new URL(collector.url).port)
    const requests = buildRequests(corpus, 4000, 7)

    await load(port, 2, 64, requests)
    const figures = (r: Awaited<ReturnType<typeof load>>): IngestFigures => ({ reqPerSec: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99 })
    const quiet = figures(await load(port, opts.durationS, 64, requests))
    log(`ingest, quiet:                         ${quiet.reqPerSec} req/s, p99 ${quiet.p99Ms} ms`)

    // The widest the API allows: ten years, every page, a thousand rows; an hourly month; a CSV.
    const from = addDays(END, -3659)
    const heavy = [
      `/api/stats/breakdown/page?site=bench&period=custom&from=${from}&to=${END}&limit=1000`,
      `/api/stats/breakdown/page.csv?site=bench&period=custom&from=${from}&to=${END}&limit=1000`,
      `/api/stats/breakdown/country?site=bench&period=custom&from=${from}&to=${END}&limit=1000&filter=source:source-1`,
      `/api/stats/aggregate?site=bench&period=custom&from=${from}&to=${END}&compare=previous&filter=page:page-3`,
      `/api/stats/timeseries?site=bench&period=custom&from=${addDays(END, -30)}&to=${END}&interval=hour`,
    ]
    const latencies: number[] = []
    const byStatus: Record<string, number> = {}
    let running = true
    const worker = async (offset: number) => {
      for (let i = offset; running; i++) {
        const t = performance.now()
        const res = await fetch(`${dashboard.url}${heavy[i % heavy.length]}`, { headers: { authorization: `Bearer ${key}` } })
        await res.arrayBuffer()
        latencies.push(performance.now() - t)
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1
      }
    }
    const workers = [0, 1, 2, 3].map(worker)
    const loaded = figures(await load(port, opts.durationS, 64, requests))
    running = false
    await Promise.all(workers)
    const statsRequests = { total: latencies.length, byStatus, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), maxMs: percentile(latencies, 100) }
    log(`ingest, heaviest stats requests looping: ${loaded.reqPerSec} req/s, p99 ${loaded.p99Ms} ms (${statsRequests.total} stats requests, p95 ${statsRequests.p95Ms} ms, statuses ${JSON.stringify(byStatus)})`)
    return { quiet, loaded, statsRequests, requests: heavy }
  } finally {
    for (const c of children) await stopProcess(c)
    await bench.close()
  }
}
