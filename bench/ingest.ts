import { spawn, type ChildProcess } from 'node:child_process'
import autocannon from 'autocannon'
import type { Spread } from './lib/spread.ts'
import { loadCorpus } from './lib/corpus.ts'
import { cpuSeconds, rssMiB } from './lib/process-stats.ts'
import { buildRequests } from './lib/requests.ts'

export const TARGETS = ['bare-node', 'collector', 'collector-durable', 'collector-2', 'collector-in-process', 'bare-express', 'collector-express'] as const
export type Target = (typeof TARGETS)[number]

export interface TargetResult {
  target: Target
  /** Average over the run (the ratios use it). */
  reqPerSec: number
  /** The run's per-second samples: median and range. */
  reqPerSecSpread: Spread
  p50Ms: number
  p99Ms: number
  requests: number
  non2xx: number
  errors: number
  rssStartMiB: number
  rssEndMiB: number
  rssMaxMiB: number
  /** RSS every 10 s of the measured run. */
  rssSeriesMiB: number[]
  /**
   * CPU per request from the start of the measured run until its events are stored: every process serving (collectors and store),
   * the collectors' event-loop threads, the store process alone, and the load generator.
   */
  cpuUsPerRequest: { server: number; eventLoop: number; store: number; loadGenerator: number }
  /** RSS per serving process at the end: the collector processes and the store. */
  rssEndByProcessMiB: { collectors: number[]; store?: number }
  final: Record<string, unknown>
}

const ROOT = new URL('../', import.meta.url).pathname

interface Started {
  child: ChildProcess
  port: number
  /** The processes whose event loops answer requests. */
  collectorPids: number[]
  storePid?: number
  final: Promise<Record<string, unknown>>
  /** Resolves once the server has printed this line. */
  printed(line: string): Promise<void>
}

export function startTarget(target: Target, cpu?: number, env?: NodeJS.ProcessEnv): Promise<Started> {
  const command = [process.execPath, '--import', 'tsx', 'bench/lib/target-server.ts', target]
  // Pinned, the server (its engine threads included) has one core and the load generator the other.
  const [file, ...args] = cpu === undefined ? command : ['taskset', '-c', String(cpu), ...command]
  const child = spawn(file!, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } })
  let out = ''
  const printed = (line: string) =>
    new Promise<void>((resolve) => {
      const seen = () => out.includes(`${line}\n`)
      if (seen()) return resolve()
      const check = () => seen() && (child.stdout!.off('data', check), resolve())
      child.stdout!.on('data', check)
    })
  let resolveFinal: (v: Record<string, unknown>) => void
  const final = new Promise<Record<string, unknown>>((r) => (resolveFinal = r))
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const ready = /ready (\d+)(?: store=(\d+))?(?: workers=([\d,]+))?/.exec(out)
      if (ready) {
        const workers = ready[3]?.split(',').map(Number)
        resolve({ child, port: Number(ready[1]), collectorPids: workers ?? [child.pid!], ...(ready[2] ? { storePid: Number(ready[2]) } : {}), final, printed })
      }
      const fin = /final (.*)\n/.exec(out)
      if (fin) resolveFinal(JSON.parse(fin[1]!) as Record<string, unknown>)
    })
    child.once('exit', (code) => {
      if (!/ready/.test(out)) reject(new Error(`${target} exited with ${code} before listening`))
      resolveFinal({})
    })
  })
}

export function load(port: number, durationS: number, connections: number, requests: ReturnType<typeof buildRequests>): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: durationS,
    requests: requests.map((r) => ({ method: 'POST', path: '/api/event', headers: r.headers, body: r.body })),
  })
}

/**
 * Resolves once the collector holds no row that is not yet stored (its /ready says 0
 * buffered), so CPU read then covers the inserts of every event the run sent: under
 * load the store, at a lower priority on a shared core, stores them later. Baselines
 * store nothing (and answer every path alike).
 */
export async function drained(port: number): Promise<void> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const res = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined)
    if (!res || res.status === 404) return
    const body = (await res.json().catch(() => ({}))) as { buffered?: unknown }
    if (typeof body.buffered !== 'number' || body.buffered === 0) return
  }
  throw new Error('the collector did not store its buffered rows within 120 s')
}

/** Runs each target in its own process under the same load, one after another. */
export async function runIngestBench(opts: {
  durationS: number
  connections: number
  targets?: readonly Target[]
  /** Run each server on this CPU only (the caller pins itself elsewhere). */
  serverCpu?: number
  /**
   * Distinct requests cycled through (default 4,000). autocannon builds every one of them
   * for every connection before it starts: at 640 connections, 4,000 would be 2.6 million
   * request buffers built on the cores the server is measured on.
   */
  distinctRequests?: number
  log?: (s: string) => void
}): Promise<TargetResult[]> {
  const log = opts.log ?? (() => {})
  const requests = buildRequests(loadCorpus(), opts.distinctRequests ?? 4000, 7)
  const results: TargetResult[] = []
  for (const target of opts.targets ?? TARGETS) {
    const { child, port, collectorPids, storePid, final } = await startTarget(target, opts.serverCpu)
    const serving = [...new Set([child.pid!, ...collectorPids, ...(storePid ? [storePid] : [])])]
    const rssAll = () => serving.reduce((sum, pid) => sum + rssMiB(pid), 0)
    const cpu = () => {
      const each = serving.map((pid) => ({ pid, ...cpuSeconds(pid) }))
      return {
        process: each.reduce((s, c) => s + c.process, 0),
        main: each.filter((c) => collectorPids.includes(c.pid)).reduce((s, c) => s + c.main, 0),
        store: each.find((c) => c.pid === storePid)?.process ?? 0,
      }
    }
    try {
      await load(port, 2, opts.connections, requests)
      // The warm-up's inserts are not the measured run's.
      await drained(port)
      const rssStart = rssAll()
      let rssMax = rssStart
      const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssAll())), 500)
      const rssSeries: number[] = []
      const series = setInterval(() => rssSeries.push(Math.round(rssAll())), 10_000)
      const cpuBefore = cpu()
      const ownBefore = process.cpuUsage()
      const r = await load(port, opts.durationS, opts.connections, requests)
      const own = process.cpuUsage(ownBefore)
      await drained(port)
      const cpuAfter = cpu()
      clearInterval(sampler)
      clearInterval(series)
      const perRequest = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, r.requests.total))
      const rssEnd = rssAll()
      const rssEndByProcessMiB = { collectors: collectorPids.map((pid) => Math.round(rssMiB(pid))), ...(storePid ? { store: Math.round(rssMiB(storePid)) } : {}) }
      child.kill('SIGTERM')
      const result: TargetResult = {
        target,
        reqPerSec: Math.round(r.requests.average),
        reqPerSecSpread: { median: r.requests.p50, min: r.requests.min, max: r.requests.max, samples: opts.durationS },
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        requests: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
        rssStartMiB: Math.round(rssStart),
        rssEndMiB: Math.round(rssEnd),
        rssMaxMiB: Math.round(rssMax),
        rssSeriesMiB: rssSeries,
        rssEndByProcessMiB,
        cpuUsPerRequest: {
          server: perRequest(cpuAfter.process - cpuBefore.process),
          eventLoop: perRequest(cpuAfter.main - cpuBefore.main),
          store: perRequest(cpuAfter.store - cpuBefore.store),
          loadGenerator: perRequest((own.user + own.system) / 1e6),
        },
        final: await final,
      }
      results.push(result)
      log(`${target.padEnd(20)} ${String(result.reqPerSec).padStart(7)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  non-2xx ${result.non2xx}  CPU/req ${result.cpuUsPerRequest.server} us (loops ${result.cpuUsPerRequest.eventLoop}, store ${result.cpuUsPerRequest.store}, loadgen ${result.cpuUsPerRequest.loadGenerator})  RSS ${result.rssStartMiB}->${result.rssEndMiB} MiB`)
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)))
    }
  }
  return results
}
