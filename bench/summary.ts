/**
 * pnpm bench:summary [--runs N] [--name quick|full]: the median of the latest N runs of
 * `pnpm bench` (bench/results/runs/), with the range across them, for every headline
 * figure the README shows. Writes bench/results/summary.md.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { formatSpread, spread } from './lib/spread.ts'

interface Run {
  at: string
  ingest: { target: string; reqPerSec: number; p50Ms: number; p99Ms: number; cpuUsPerRequest: { server: number; eventLoop: number; store: number } }[]
  ratios: Record<string, number>
  rollup: { rollupRowsPerSec: number; rollupMs: number }
  rollupVsIngest: number
  queries: { queries: { name: string; p95Ms: number }[]; dashboardLoad: { name: string; p95Ms: number } }
  queriesUncached: { queries: { name: string; p95Ms: number }[]; dashboardLoad: { name: string; p95Ms: number } }
  stall: { quiet: { reqPerSec: number }; loaded: { reqPerSec: number; p99Ms: number } }
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, name: { type: 'string', default: 'quick' } } })
const dir = new URL('./results/runs/', import.meta.url)
const files = readdirSync(dir).filter((f) => f.startsWith(`${values.name}-`) && f.endsWith('.json')).sort().slice(-Number(values.runs))
if (files.length === 0) throw new Error(`no ${values.name} run in bench/results/runs: run pnpm bench first`)
const runs = files.map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Run)
const across = (pick: (r: Run) => number, digits = 1) => formatSpread(spread(runs.map(pick), digits))
const target = (r: Run, t: string) => r.ingest.find((x) => x.target === t)!

const lines = [
  `# Median of ${runs.length} \`pnpm bench\` runs (${values.name})`,
  '',
  `Runs: ${runs.map((r) => r.at).join(', ')}. Each figure: the median across the runs, and its range (min–max).`,
  '',
  '| ingest target | req/s | p99 ms | server CPU µs/req | collector loops µs/req | store µs/req |',
  '|---|---|---|---|---|---|',
  ...runs[0]!.ingest.map((t) => `| ${t.target} | ${across((r) => target(r, t.target).reqPerSec)} | ${across((r) => target(r, t.target).p99Ms)} | ${across((r) => target(r, t.target).cpuUsPerRequest.server)} | ${across((r) => target(r, t.target).cpuUsPerRequest.eventLoop)} | ${across((r) => target(r, t.target).cpuUsPerRequest.store)} |`),
  '',
  '| ratio | median (min–max) |',
  '|---|---|',
  ...Object.keys(runs[0]!.ratios).map((k) => `| ${k} | ${across((r) => r.ratios[k]!, 3)} |`),
  `| rollup rows/s / standalone ingest req/s | ${across((r) => r.rollupVsIngest, 2)} |`,
  '',
  `Rollup of the seeded day: ${across((r) => r.rollup.rollupMs)} ms, ${across((r) => r.rollup.rollupRowsPerSec)} rows/s.`,
  `Ingest beside the heaviest stats requests: ${across((r) => r.stall.loaded.reqPerSec)} req/s, p99 ${across((r) => r.stall.loaded.p99Ms)} ms (quiet: ${across((r) => r.stall.quiet.reqPerSec)} req/s).`,
  '',
  '| stats query | p95 ms | p95 ms, answer cache off |',
  '|---|---|---|',
  ...[...runs[0]!.queries.queries, runs[0]!.queries.dashboardLoad].map((q) => {
    const p95 = (set: Run['queries']) => [...set.queries, set.dashboardLoad].find((x) => x.name === q.name)!.p95Ms
    return `| ${q.name} | ${across((r) => p95(r.queries))} | ${across((r) => p95(r.queriesUncached))} |`
  }),
  '',
]
writeFileSync(new URL('./results/summary.md', import.meta.url), lines.join('\n'))
process.stdout.write(lines.join('\n'))
