/**
 * pnpm bench:pinned: the ingest comparison with the server on CPU 0 and the load
 * generator on CPU 1 (Linux, taskset). On a shared two-core machine the unpinned run
 * moves by tens of percent from run to run; pinned, a change to the hot path shows.
 * Bare node:http and the collector then run again in turn (`--rounds`, default 3 pairs
 * in all), since bare node:http alone moves by half from run to run here: the standalone
 * ratio and the collector's CPU per event are reported as the median of the pairs.
 * Writes bench/results/pinned.{json,md}.
 */
import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { runIngestBench } from './ingest.ts'
import { machine } from './lib/machine.ts'
import { ingestTable, ratio } from './lib/report.ts'
import { formatSpread, spread } from './lib/spread.ts'

if (!process.env.QA_BENCH_PINNED) {
  if (availableParallelism() < 2 || spawnSync('taskset', ['-V']).status !== 0) {
    process.stderr.write('bench:pinned needs two CPUs and taskset (util-linux)\n')
    process.exit(2)
  }
  const self = spawnSync('taskset', ['-c', '1', process.execPath, '--import', 'tsx', new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, QA_BENCH_PINNED: '1' } })
  process.exit(self.status ?? 1)
}

const started = Date.now()
const log = (s: string) => process.stdout.write(`${s}\n`)
log('bench pinned: server on CPU 0, load generator on CPU 1 (autocannon, 64 connections, realistic corpus)')
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } })
const ROUNDS = Number(values.rounds)
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  process.stderr.write('--rounds takes a whole number of pairs, 1 or more\n')
  process.exit(2)
}
const ingest = await runIngestBench({ durationS: 8, connections: 64, serverCpu: 0, log })
const by = (t: string) => ingest.find((r) => r.target === t)!
const pairs = [{ bare: by('bare-node'), collector: by('collector') }]
for (let round = 1; round < ROUNDS; round++) {
  log(`pair ${round + 1} of ${ROUNDS}`)
  const [bare, collector] = await runIngestBench({ durationS: 8, connections: 64, serverCpu: 0, targets: ['bare-node', 'collector'], log })
  pairs.push({ bare: bare!, collector: collector! })
}
const summary = {
  name: 'pinned',
  at: new Date(started).toISOString(),
  machine: machine(),
  ingest,
  ratios: {
    standaloneVsBareNode: ratio(by('collector'), by('bare-node')),
    mountedVsBareExpress: ratio(by('collector-express'), by('bare-express')),
    durableVsDefault: ratio(by('collector-durable'), by('collector')),
    twoProcessesVsOne: ratio(by('collector-2'), by('collector')),
    inProcessEngineVsStoreProcess: ratio(by('collector-in-process'), by('collector')),
  },
  /** Bare node:http and the collector, run in turn ROUNDS times (the first pair is the table's). */
  pairs: {
    standaloneVsBareNode: spread(pairs.map((p) => ratio(p.collector, p.bare)), 3),
    bareNodeReqPerSec: spread(pairs.map((p) => p.bare.reqPerSec), 0),
    collectorReqPerSec: spread(pairs.map((p) => p.collector.reqPerSec), 0),
    collectorServerCpuUs: spread(pairs.map((p) => p.collector.cpuUsPerRequest.server), 0),
    collectorStoreCpuUs: spread(pairs.map((p) => p.collector.cpuUsPerRequest.store), 0),
    bareNodeServerCpuUs: spread(pairs.map((p) => p.bare.cpuUsPerRequest.server), 0),
  },
  zeroLoss: [...ingest, ...pairs.slice(1).map((p) => p.collector)].every((r) => r.final.accepted === r.final.stored),
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(new URL('./results/pinned.json', import.meta.url), `${JSON.stringify(summary, null, 2)}\n`)
writeFileSync(
  new URL('./results/pinned.md', import.meta.url),
  [
    `# Benchmark: pinned (${summary.at})`,
    '',
    `Machine: ${String(summary.machine.cpus)} cores (${String(summary.machine.cpu)}), Node ${String(summary.machine.node)}. Each server on CPU 0 with every process serving it (collectors and the store process; for collector-in-process, the engine's threads), the load generator on CPU 1. With one core for the server, two collector processes can only share it: this run compares the cost per event, not the use of more cores.`,
    '',
    ...ingestTable(ingest),
    '',
    `- standalone collector / bare node:http: **${summary.ratios.standaloneVsBareNode}** in this table; over ${ROUNDS} pairs run in turn, median (min–max): **${formatSpread(summary.pairs.standaloneVsBareNode)}** (bare node:http ${formatSpread(summary.pairs.bareNodeReqPerSec)} req/s at ${formatSpread(summary.pairs.bareNodeServerCpuUs)} µs per request; the collector ${formatSpread(summary.pairs.collectorReqPerSec)} req/s at **${formatSpread(summary.pairs.collectorServerCpuUs)} µs** server CPU per event, the store's ${formatSpread(summary.pairs.collectorStoreCpuUs)} included)`,
    `- Express-mounted collector / bare Express: **${summary.ratios.mountedVsBareExpress}**`,
    `- durable ingest (answered once stored) / default: **${summary.ratios.durableVsDefault}**; two collector processes / one: **${summary.ratios.twoProcessesVsOne}**; engine inside the collector's process / store process: **${summary.ratios.inProcessEngineVsStoreProcess}**`,
    `- zero loss (stored = accepted): **${summary.zeroLoss}**`,
    '',
  ].join('\n'),
)
log(`standalone / bare node:http  ${formatSpread(summary.pairs.standaloneVsBareNode)} over ${ROUNDS} pairs; collector ${formatSpread(summary.pairs.collectorServerCpuUs)} µs server CPU per event`)
log(`mounted / bare Express       ${summary.ratios.mountedVsBareExpress}`)
log('results: bench/results/pinned.json, bench/results/pinned.md')
