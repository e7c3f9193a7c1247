/**
 * pnpm bench [--full]: ingest load against in-process-tree baselines, then rollup and
 * purge on a seeded day. Writes bench/results/<quick|full>.json and .md.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { runIngestBench } from './ingest.ts'
import { machine } from './lib/machine.ts'
import { ingestTable, ratio, serverP99 } from './lib/report.ts'
import { formatSpread } from './lib/spread.ts'
import { runQueryBench, type QueriesResult } from './queries.ts'
import { runRollupBench, type RollupResult } from './rollup.ts'
import { runStallBench } from './stall.ts'

const full = process.argv.includes('--full')
const name = full ? 'full' : 'quick'
const started = Date.now()
const log = (s: string) => process.stdout.write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(3)} s] ${s}\n`)

log(`bench ${name}: ingest load (autocannon, 64 connections, realistic corpus)`)
const ingest = await runIngestBench({ durationS: full ? 30 : 8, connections: 64, log })
log('overload: ten times the connections against the standalone collector')
const [overload] = await runIngestBench({ durationS: full ? 30 : 6, connections: 640, distinctRequests: 400, targets: ['collector'], log })
// The long run also holds the standalone collector under load for two minutes: does memory level off?
if (full) log('soak: two minutes against the standalone collector')
const soak = full ? (await runIngestBench({ durationS: 120, connections: 64, targets: ['collector'], log }))[0] : undefined
log('rollup and purge of a seeded day')
const rollup = await runRollupBench({ pageviews: full ? 500_000 : 100_000, log })
log('stats API over 13 months of aggregates')
const queries = await runQueryBench({ iterations: full ? 60 : 30, rounds: 3, pairValues: 20, resultCache: true, log })
log('stats API again, with the answer cache off')
const queriesUncached = await runQueryBench({ iterations: full ? 60 : 30, rounds: 3, pairValues: 20, resultCache: false, log })
log('stall: ingest while the heaviest stats requests the API allows run in a loop')
const stall = await runStallBench({ durationS: full ? 20 : 8, log })

const by = (t: string) => ingest.find((r) => r.target === t)!
const collector = by('collector')
const mounted = by('collector-express')
const summary = {
  name,
  at: new Date(started).toISOString(),
  durationS: Math.round((Date.now() - started) / 1000),
  machine: machine(),
  ingest,
  ratios: {
    standaloneVsBareNode: ratio(collector, by('bare-node')),
    mountedVsBareExpress: ratio(mounted, by('bare-express')),
    durableVsDefault: ratio(by('collector-durable'), by('collector')),
    twoProcessesVsOne: ratio(by('collector-2'), collector),
    inProcessEngineVsStoreProcess: ratio(by('collector-in-process'), collector),
  },
  zeroLoss: [collector, mounted, overload!, ...(soak ? [soak] : [])].every((r) => r.final.accepted === r.final.stored),
  overload,
  soak,
  rollup,
  rollupVsIngest: Number((rollup.rollupRowsPerSec / collector.reqPerSec).toFixed(2)),
  queries,
  queriesUncached,
  stall,
}

mkdirSync(new URL('./results/runs/', import.meta.url), { recursive: true })
writeFileSync(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify(summary, null, 2)}\n`)
// Every run is kept: `pnpm bench:summary` gives the median of the latest three.
writeFileSync(new URL(`./results/runs/${name}-${summary.at.replace(/[:.]/g, '-')}.json`, import.meta.url), `${JSON.stringify(summary)}\n`)
writeFileSync(new URL(`./results/${name}.md`, import.meta.url), markdown(summary, rollup, queries))
log(`standalone / bare node:http  ${summary.ratios.standaloneVsBareNode}`)
log(`mounted / bare Express       ${summary.ratios.mountedVsBareExpress}`)
log(`zero loss                    ${summary.zeroLoss}`)
log(`rollup rows/s / ingest req/s ${summary.rollupVsIngest}`)
log(`slowest stats query p95       ${Math.max(...queries.queries.map((x) => x.p95Ms))} ms (cache off: ${Math.max(...queriesUncached.queries.map((x) => x.p95Ms))} ms)`)
log(`ingest quiet / stats-loaded   ${stall.quiet.reqPerSec} / ${stall.loaded.reqPerSec} req/s, p99 ${stall.quiet.p99Ms} / ${stall.loaded.p99Ms} ms`)
log(`results: bench/results/${name}.json, bench/results/${name}.md (${summary.durationS} s)`)

function markdown(s: typeof summary, r: RollupResult, q: QueriesResult): string {
  return [
    `# Benchmark: ${s.name} (${s.at})`,
    '',
    `Machine: ${String(s.machine.cpus)} cores (${String(s.machine.cpu)}), ${String(s.machine.memGiB)} GiB, Node ${String(s.machine.node)}. Load generator and server share the machine.`,
    '',
    '## Ingest (autocannon, 64 connections, corpus of real user-agents, ~5% bots)',
    '',
    ...ingestTable(s.ingest),
    '',
    `- standalone collector / bare node:http: **${s.ratios.standaloneVsBareNode}**`,
    `- Express-mounted collector / bare Express: **${s.ratios.mountedVsBareExpress}**`,
    `- durable ingest (answered once stored) / default: **${s.ratios.durableVsDefault}**; two collector processes / one: **${s.ratios.twoProcessesVsOne}**; the engine inside the collector's process (the earlier design) / the store process: **${s.ratios.inProcessEngineVsStoreProcess}**`,
    `- zero loss (stored = accepted): **${s.zeroLoss}**`,
    `- overload (640 connections): ${s.overload!.reqPerSec} req/s, p99 ${s.overload!.p99Ms} ms (in-server p99 ${serverP99(s.overload!)} ms: the rest is spent before the server reads a request or in the load generator, which shares the cores), RSS ${s.overload!.rssStartMiB} → ${s.overload!.rssEndMiB} MiB (max ${s.overload!.rssMaxMiB}), ${String(s.overload!.final.accepted)} accepted, ${String(s.overload!.final.stored)} stored`,
    ...(s.soak
      ? [`- two minutes of load: ${s.soak.reqPerSec} req/s, RSS every 10 s ${s.soak.rssSeriesMiB.join(', ')} MiB, ${String(s.soak.final.accepted)} accepted, ${String(s.soak.final.stored)} stored`]
      : []),
    '',
    '## Rollup and purge',
    '',
    `- ${r.rawRows} raw rows (${r.pageviews} pageviews, ${(r.scaleOf10M * 100).toFixed(0)}% of a 10-million-pageview day)`,
    `- full-day rollup: ${formatSpread(r.rollupMsSpread)} ms (median of ${r.rollupMsSpread.samples} forced rollups, min–max), **${r.rollupRowsPerSec} rows/s** at the median (${s.rollupVsIngest}x the standalone ingest rate); unchanged day: ${r.unchangedRerunMs} ms`,
    `- purge of the closed day: ${r.purgeMs} ms for ${r.purgedRows} rows`,
    `- breakdown rows for the day: ${r.breakdownRowsPlain} plain, ${r.breakdownRowsPairs} filter pairs; ${(r.shareOfPlainRowsUnderK * 100).toFixed(1)}% of plain rows were under k = ${r.k} before folding, holding ${(r.shareOfVisitsUnderK * 100).toFixed(2)}% of the visits`,
    '',
    `## Stats API over ${q.days} days of aggregates (${q.aggregateRows} breakdown rows, about 10 million pageviews a month)`,
    '',
    `Each figure: the median over ${q.rounds} rounds of that round's percentile, and the range it moved in (min–max).`,
    '',
    'The dashboard keeps its answers while the aggregates are unchanged (docs/operations.md): the first columns are the product as deployed, the last the store computing every request.',
    '',
    '| query | p50 ms | p95 ms | p50 ms, cache off | p95 ms, cache off |',
    '|---|---|---|---|---|',
    ...[...q.queries, q.dashboardLoad].map((x) => {
      const off = [...s.queriesUncached.queries, s.queriesUncached.dashboardLoad].find((u) => u.name === x.name)!
      return `| ${x.name} | ${formatSpread(x.p50)} | ${formatSpread(x.p95)} | ${formatSpread(off.p50)} | ${formatSpread(off.p95)} |`
    }),
    '',
    '## Ingest while the heaviest stats requests run (collector and dashboard as their own processes, one store)',
    '',
    '| | req/s | p50 ms | p99 ms |',
    '|---|---|---|---|',
    `| quiet | ${s.stall.quiet.reqPerSec} | ${s.stall.quiet.p50Ms} | ${s.stall.quiet.p99Ms} |`,
    `| 4 heaviest stats requests at a time, in a loop | ${s.stall.loaded.reqPerSec} | ${s.stall.loaded.p50Ms} | ${s.stall.loaded.p99Ms} |`,
    '',
    `Stats requests meanwhile: ${s.stall.statsRequests.total} (statuses ${Object.entries(s.stall.statsRequests.byStatus).map(([k, v]) => `${k}: ${v}`).join(', ')}), p50 ${s.stall.statsRequests.p50Ms} ms, p95 ${s.stall.statsRequests.p95Ms} ms, max ${s.stall.statsRequests.maxMs} ms. Requests: ${s.stall.requests.map((r) => `\`${r}\``).join(', ')}.`,
    '',
  ].join('\n')
}
