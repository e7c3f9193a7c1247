/**
 * pnpm bench:ingest-profile: where the collector's CPU goes under pinned load (server
 * on CPU 0, load generator on CPU 1, as bench:pinned). Over one measured window it
 * takes a CPU profile of the collector's event loop, every GC (count, pause, bytes
 * freed), and the CPU of every thread of the collector and of the store process by
 * kind, until every event sent is stored; before the load, the same threads idle, so a per-event figure is not an idle
 * cost spread over events. Writes bench/results/ingest-profile.{json,md} and keeps the
 * run in bench/results/runs/.
 */
import { spawnSync } from 'node:child_process'
import { availableParallelism, tmpdir } from 'node:os'
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { drained, load, startTarget, type Target } from './ingest.ts'
import { allocations, breakdown, type CpuProfile } from './lib/cpu-profile.ts'
import { loadCorpus } from './lib/corpus.ts'
import { machine } from './lib/machine.ts'
import { cpuSeconds, threadCpuSeconds } from './lib/process-stats.ts'
import { buildRequests } from './lib/requests.ts'
import type { GcSummary } from './lib/profile-window.ts'
import { loadConfig } from '@quiet-analytics/core'
import { connectStore } from '@quiet-analytics/store'

if (!process.env.QA_BENCH_PINNED) {
  if (availableParallelism() < 2 || spawnSync('taskset', ['-V']).status !== 0) {
    process.stderr.write('bench:ingest-profile needs two CPUs and taskset (util-linux)\n')
    process.exit(2)
  }
  const self = spawnSync('taskset', ['-c', '1', process.execPath, '--import', 'tsx', new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, QA_BENCH_PINNED: '1' } })
  process.exit(self.status ?? 1)
}

const target = (process.argv[2] ?? 'collector') as Target
const DURATION_S = 10
const IDLE_S = Number(process.env.QA_BENCH_IDLE_S ?? 5)
/** The store's counters worth a line: what it did, and where its time went. */
const STORE_EVENTS = ['Query', 'InsertQuery', 'SelectQuery', 'InsertedRows', 'InsertedBytes', 'MergedRows', 'MergedUncompressedBytes', 'Merge', 'MergesTimeMilliseconds', 'UserTimeMicroseconds', 'SystemTimeMicroseconds', 'RealTimeMicroseconds', 'OSCPUVirtualTimeMicroseconds', 'DuplicatedInsertedBlocks', 'FileSync', 'FileOpen', 'CreatedReadBufferOrdinary', 'WriteBufferFromFileDescriptorWriteBytes', 'CompressedReadBufferBlocks', 'ContextLock', 'GlobalThreadPoolThreadCreationMicroseconds', 'GlobalThreadPoolJobs', 'LocalThreadPoolJobs', 'HTTPConnectionsCreated']
const log = (s: string) => process.stdout.write(`${s}\n`)
const started = Date.now()
const dir = mkdtempSync(join(tmpdir(), 'qa-profile-'))
const requests = buildRequests(loadCorpus(), 4000, 7)

/** CPU by thread kind of each process; what a process's ended threads spent is the rest of its total. */
const threadsOf = (pids: number[]) => {
  const all = new Map<string, number>()
  for (const pid of pids) {
    const role = pid === pids[0] ? 'collector' : 'store'
    let live = 0
    for (const [name, s] of threadCpuSeconds(pid)) {
      all.set(`${role}: ${name}`, s)
      live += s
    }
    // In the collector, the profiler's own sampling thread, which ends with the profile.
    all.set(`${role}: threads that ended${role === 'collector' ? ' (the profiler)' : ''}`, cpuSeconds(pid).process - live)
  }
  return all
}
/** The store's own counters (system.events), read as the writer through the endpoint the store process publishes in its data directory. */
async function storeCounters(storePid: number) {
  const store = await connectStore(loadConfig({}, { dataDir: readlinkSync(`/proc/${storePid}/cwd`), logLevel: 'silent' }))
  return {
    read: async () => {
      const rows = await (await store.client.query({ query: 'SELECT event, value FROM system.events', format: 'JSONEachRow' })).json<{ event: string; value: string }>()
      return Object.fromEntries(rows.map((r) => [r.event, Number(r.value)]))
    },
    close: () => store.close(),
  }
}
const diff = (after: Map<string, number>, before: Map<string, number>) => new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]))

log(`bench ingest-profile: ${target} on CPU 0, load generator on CPU 1 (64 connections, realistic corpus), ${DURATION_S} s profiled`)
const t = await startTarget(target, 0, { QA_BENCH_PROFILE: dir })
let result
let counters: Awaited<ReturnType<typeof storeCounters>> | undefined
try {
  const pids = [t.child.pid!, ...(t.storePid ? [t.storePid] : [])]
  await load(t.port, 2, 64, requests)
  const idleBefore = threadsOf(pids)
  await new Promise((r) => setTimeout(r, IDLE_S * 1000))
  const idle = diff(threadsOf(pids), idleBefore)
  // The store's counters from before the load until its last row is stored: most inserts come after the load.
  counters = t.storePid ? await storeCounters(t.storePid) : undefined
  const eventsBefore = await counters?.read()
  const before = threadsOf(pids)
  t.child.kill('SIGUSR2')
  await t.printed('profiling')
  const r = await load(t.port, DURATION_S, 64, requests)
  t.child.kill('SIGUSR2')
  await t.printed('profiled')
  await drained(t.port)
  const busy = diff(threadsOf(pids), before)
  const eventsAfter = await counters?.read()
  const n = r.requests.total
  const us = (seconds: number) => Number(((seconds * 1e6) / n).toFixed(1))
  const idleUs = (seconds: number) => Number(((seconds * 1e6 * (DURATION_S / IDLE_S)) / n).toFixed(1))
  const profile = JSON.parse(readFileSync(join(dir, 'profile.cpuprofile'), 'utf8')) as CpuProfile
  const gc = JSON.parse(readFileSync(join(dir, 'gc.json'), 'utf8')) as GcSummary
  const storeEvents = eventsBefore && eventsAfter ? Object.fromEntries(Object.entries(eventsAfter).map(([k, v]) => [k, v - (eventsBefore[k] ?? 0)])) : {}
  const areas = breakdown(profile)
  const heap = JSON.parse(readFileSync(join(dir, 'heap.json'), 'utf8')) as { head: Parameters<typeof allocations>[0] }
  const perRequest = (ms: number) => Number(((ms * 1000) / n).toFixed(1))
  result = {
    name: 'ingest-profile',
    at: new Date(started).toISOString(),
    machine: machine(),
    target,
    requests: n,
    reqPerSec: Math.round(r.requests.average),
    non2xx: r.non2xx,
    threadsUsPerRequest: Object.fromEntries([...busy].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]).map(([k, s]) => [k, { busy: us(s), idleShare: idleUs(idle.get(k) ?? 0) }])),
    serverUsPerRequest: us([...busy.values()].reduce((a, b) => a + b, 0)),
    loopAreasUsPerRequest: Object.fromEntries(Object.entries(areas.ms).sort((a, b) => b[1] - a[1]).map(([k, ms]) => [k, perRequest(ms)])),
    topSelfUsPerRequest: areas.topSelf.map((f) => ({ fn: f.fn, us: perRequest(f.ms) })),
    storeEventsPerRequest: Object.fromEntries(
      Object.entries(storeEvents)
        .filter(([k]) => STORE_EVENTS.includes(k))
        .map(([k, v]) => [k, Number((v / n).toFixed(3))]),
    ),
    rowsPerInsert: storeEvents.InsertQuery ? Math.round((storeEvents.InsertedRows ?? 0) / storeEvents.InsertQuery) : undefined,
    topAllocationsBytesPerRequest: allocations(heap.head, 25).map((a) => ({ fn: a.fn, bytes: Math.round(a.bytes / n) })),
    gc: {
      per10kRequests: Object.fromEntries(Object.entries(gc.byType).map(([k, v]) => [k, { count: Number(((v.count * 1e4) / n).toFixed(1)), pauseMs: Number(((v.ms * 1e4) / n).toFixed(1)) }])),
      pauseUsPerRequest: Number(((Object.values(gc.byType).reduce((a, v) => a + v.ms, 0) * 1000) / n).toFixed(1)),
      heapBytesPerRequest: Math.round(gc.freedBytes / n),
    },
  }
} finally {
  await counters?.close()
  t.child.kill('SIGTERM')
  await new Promise((r) => (t.child.exitCode === null ? t.child.once('exit', r) : r(undefined)))
  rmSync(dir, { recursive: true, force: true })
}

const md = [
  `# Benchmark: ingest profile of ${result.target} (${result.at})`,
  '',
  `Machine: ${String(result.machine.cpus)} cores (${String(result.machine.cpu)}), Node ${String(result.machine.node)}. Server and every process serving it on CPU 0, autocannon on CPU 1, 64 connections. ${result.requests} requests in ${DURATION_S} s (${result.reqPerSec} req/s, ${result.non2xx} non-2xx: bots get 403). Server CPU: **${result.serverUsPerRequest} µs per request**.`,
  '',
  '## CPU by thread (µs per request; idle share: what the same threads spent with no load, over as long)',
  '',
  '| thread | busy | idle share |',
  '|---|---|---|',
  ...Object.entries(result.threadsUsPerRequest).map(([k, v]) => `| ${k} | ${v.busy} | ${v.idleShare} |`),
  '',
  '## The collector\'s event loop by area (sampled, µs per request)',
  '',
  '| area | µs/req |',
  '|---|---|',
  ...Object.entries(result.loopAreasUsPerRequest).map(([k, v]) => `| ${k} | ${v} |`),
  '',
  '## Most self time (µs per request)',
  '',
  '| function | µs/req |',
  '|---|---|',
  ...result.topSelfUsPerRequest.map((f) => `| ${f.fn.replace(/\|/g, '\\|')} | ${f.us} |`),
  '',
  '## Most heap allocated (sampled, bytes per request)',
  '',
  '| function | bytes/req |',
  '|---|---|',
  ...result.topAllocationsBytesPerRequest.map((a) => `| ${a.fn.replace(/\|/g, '\\|')} | ${a.bytes} |`),
  '',
  '## The store\'s counters (system.events, per request, from before the load until every event is stored)',
  '',
  `Rows per insert: ${result.rowsPerInsert ?? '–'} (the collector's batches; each insert costs the store a fixed part of its CPU, a part and its merges).`,
  '',
  '| counter | per request |',
  '|---|---|',
  ...Object.entries(result.storeEventsPerRequest).map(([k, v]) => `| ${k} | ${v} |`),
  '',
  `## GC: ${result.gc.pauseUsPerRequest} µs of pause per request, ${result.gc.heapBytesPerRequest} heap bytes allocated per request`,
  '',
  '| kind | per 10k requests | pause ms per 10k requests |',
  '|---|---|---|',
  ...Object.entries(result.gc.per10kRequests).map(([k, v]) => `| ${k} | ${v.count} | ${v.pauseMs} |`),
  '',
].join('\n')
const results = new URL('./results/', import.meta.url)
mkdirSync(new URL('./runs/', results), { recursive: true })
writeFileSync(new URL(`./runs/ingest-profile-${result.at.replace(/[:.]/g, '-')}.json`, results), `${JSON.stringify(result, null, 2)}\n`)
writeFileSync(new URL('./ingest-profile.json', results), `${JSON.stringify(result, null, 2)}\n`)
writeFileSync(new URL('./ingest-profile.md', results), md)
log(md)
