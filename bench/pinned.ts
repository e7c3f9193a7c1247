/**
 * pnpm bench:pinned: the ingest comparison with the server on CPU 0 and the load
 * generator on CPU 1 (Linux, taskset). On a shared two-core machine the unpinned run
 * moves by tens of percent from run to run; pinned, a change to the hot path shows.
 * Writes bench/results/pinned.{json,md}.
 */
import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { runIngestBench } from './ingest.ts'
import { machine } from './lib/machine.ts'
import { ingestTable, ratio } from './lib/report.ts'

if (!process.env.QA_BENCH_PINNED) {
  if (availableParallelism() < 2 || spawnSync('taskset', ['-V']).status !== 0) {
    process.stderr.write('bench:pinned needs two CPUs and taskset (util-linux)\n')
    process.exit(2)
  }
  const self = spawnSync('taskset', ['-c', '1', process.execPath, '--import', 'tsx', new URL(import.meta.url).pathname], { stdio: 'inherit', env: { ...process.env, QA_BENCH_PINNED: '1' } })
  process.exit(self.status ?? 1)
}

const started = Date.now()
const log = (s: string) => process.stdout.write(`${s}\n`)
log('bench pinned: server on CPU 0, load generator on CPU 1 (autocannon, 64 connections, realistic corpus)')
const ingest = await runIngestBench({ durationS: 8, connections: 64, serverCpu: 0, log })
const by = (t: string) => ingest.find((r) => r.target === t)!
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
  zeroLoss: ingest.every((r) => r.final.accepted === r.final.stored),
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
    `- standalone collector / bare node:http: **${summary.ratios.standaloneVsBareNode}**`,
    `- Express-mounted collector / bare Express: **${summary.ratios.mountedVsBareExpress}**`,
    `- durable ingest (answered once stored) / default: **${summary.ratios.durableVsDefault}**; two collector processes / one: **${summary.ratios.twoProcessesVsOne}**; engine inside the collector's process / store process: **${summary.ratios.inProcessEngineVsStoreProcess}**`,
    `- zero loss (stored = accepted): **${summary.zeroLoss}**`,
    '',
  ].join('\n'),
)
log(`standalone / bare node:http  ${summary.ratios.standaloneVsBareNode}`)
log(`mounted / bare Express       ${summary.ratios.mountedVsBareExpress}`)
log('results: bench/results/pinned.json, bench/results/pinned.md')
