/**
 * One load-test target: `node --import tsx bench/lib/target-server.ts <target>`. Prints
 * "ready <port> [store=<pid>] [workers=<pid>,<pid>]" (the other processes serving it);
 * on SIGTERM it stops, flushes, and prints one JSON line of counts.
 *
 *   bare-node, bare-express       read the body, JSON.parse it, answer 202
 *   collector                     one collector process, the bundled store process beside it
 *   collector-durable             the same, answering each event only once it is stored (DURABLE_INGEST)
 *   collector-2                   two collector processes sharing the port (node:cluster)
 *   collector-in-process          the earlier design: the engine inside the collector's process
 *   collector-express             the collector mounted in Express, the store process beside it
 */
import cluster from 'node:cluster'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import type { Store } from '@quiet-analytics/store'
import { loadCorpus } from './corpus.ts'

const kind = process.argv[2]

/** What the baselines do per request: read the body, JSON.parse it, answer 202. */
function bareHandler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    let status = 202
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      status = 400
    }
    const body = status === 202 ? '{"status":"accepted"}' : '{"error":"bad json"}'
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) })
    res.end(body)
  })
}

async function benchConfig(dataDir: string) {
  const { loadConfig } = await import('@quiet-analytics/core')
  return loadConfig({}, {
    dataDir,
    sites: loadCorpus().sites.map((d) => ({ domains: [d] })),
    logLevel: 'silent',
    collector: { trustedProxies: ['127.0.0.1'], rateLimitPerMinute: 0, maxBufferedRows: 1_000_000, processes: kind === 'collector-2' ? 2 : 1, durable: kind === 'collector-durable' },
  })
}

const countStored = (store: Store) =>
  store.client
    .query({ query: 'SELECT count() AS n FROM raw_hits', format: 'JSONEachRow' })
    .then((r) => r.json<{ n: string }>())
    .then((rows) => Number(rows[0]!.n), () => -1)

interface Served {
  server: Server
  storePid?: number
  workerPids?: number[]
  finish(): Promise<Record<string, unknown>>
}

/** A collector (standalone or in Express) on a store; counts what it accepted and what was stored. */
async function serveCollector(dataDir: string, slot?: { index: number; count: number }): Promise<Served> {
  const { createLogger } = await import('@quiet-analytics/core')
  const { connectStore, migrate } = await import('@quiet-analytics/store')
  const { collectorRouter, createCollector, createStandaloneServer } = await import('@quiet-analytics/collector')
  const config = await benchConfig(dataDir)
  const store = kind === 'collector-in-process' ? (await import('./in-process-store.ts')).openInProcessStore(dataDir) : await connectStore(config)
  if (kind === 'collector-in-process') await migrate(store.client)
  const collector = createCollector({ config, store, logger: createLogger('silent'), ...(slot ? { slot } : {}) })
  await collector.prepareSalts()
  let server: Server
  if (kind === 'collector-express') {
    const app = express()
    app.use(collectorRouter(collector))
    // What the standalone server answers, so the bench can wait for the rows to be stored.
    app.get('/ready', (_req, res) => void collector.readiness().then((r) => res.json(r)))
    server = createServer(app)
  } else server = createStandaloneServer(collector)
  return {
    server,
    finish: async () => {
      await collector.close()
      const stored = await countStored(store)
      await store.close()
      return { accepted: collector.counters.accepted, invalid: collector.counters.invalid, dropped: collector.drops.totals, stored }
    },
  }
}

async function serve(): Promise<Served> {
  if (kind === 'bare-node') return { server: createServer(bareHandler), finish: async () => ({}) }
  if (kind === 'bare-express') {
    const app = express()
    app.post('/api/event', bareHandler)
    return { server: createServer(app), finish: async () => ({}) }
  }
  if (!['collector', 'collector-durable', 'collector-2', 'collector-in-process', 'collector-express'].includes(kind ?? '')) throw new Error(`unknown target ${kind}`)
  const dataDir = mkdtempSync(join(tmpdir(), 'qa-bench-'))
  if (kind === 'collector-in-process') {
    const served = await serveCollector(dataDir)
    return {
      ...served,
      finish: async () => {
        const counts = await served.finish()
        // The engine's threads may still be merging in this process: let the files go quietly.
        rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 })
        return counts
      },
    }
  }
  // The store process is this process's child: pinned with it, and counted with it.
  const { connectStore, migrate, startStoreProcess } = await import('@quiet-analytics/store')
  const config = await benchConfig(dataDir)
  const engine = await startStoreProcess({ dataDir, database: config.clickhouse.database, httpPort: 0, dashboardUser: config.server.dashboardUser })
  const writer = await connectStore(config)
  await migrate(writer.client)
  const cleanup = async () => {
    await writer.close()
    await engine.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  if (kind !== 'collector-2') {
    const served = await serveCollector(dataDir)
    return {
      ...served,
      storePid: engine.enginePid,
      finish: async () => {
        const counts = await served.finish()
        await cleanup()
        return counts
      },
    }
  }
  // Two collector processes behind one port: this process is the cluster's primary and serves nothing itself.
  const workers = [0, 1].map((index) => cluster.fork({ QA_BENCH_WORKER: String(index), QA_BENCH_DATA_DIR: dataDir }))
  const counts = new Map<number, Record<string, number>>()
  const port = await new Promise<number>((resolve) => {
    let listening = 0
    cluster.on('listening', (_w, address) => {
      if (++listening === workers.length) resolve(address.port)
    })
  })
  for (const w of workers) w.on('message', (m: { final?: Record<string, number> }) => m.final && counts.set(w.id, m.final))
  const server = createServer()
  return {
    server: Object.assign(server, { address: () => ({ port, address: '127.0.0.1', family: 'IPv4' }) }) as Server,
    storePid: engine.enginePid,
    workerPids: workers.map((w) => w.process.pid!),
    finish: async () => {
      await Promise.all(workers.map((w) => new Promise((r) => (w.once('exit', r), w.process.kill('SIGTERM')))))
      const sum = (k: string) => [...counts.values()].reduce((a, c) => a + (c[k] ?? 0), 0)
      const result = { accepted: sum('accepted'), invalid: sum('invalid'), stored: await countStored(writer) }
      await cleanup()
      return result
    },
  }
}

async function main(): Promise<void> {
  if (cluster.isWorker) {
    const served = await serveCollector(process.env.QA_BENCH_DATA_DIR!, { index: Number(process.env.QA_BENCH_WORKER), count: 2 })
    served.server.keepAliveTimeout = 30_000
    served.server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 })
    process.once('SIGTERM', () => {
      served.server.closeAllConnections()
      served.server.close()
      void served.finish().then((final) => {
        process.send!({ final })
        process.disconnect()
      })
    })
    return
  }
  const { server, storePid, workerPids, finish } = await serve()
  if (process.env.QA_BENCH_PROFILE) (await import('./profile-window.ts')).profileOnSignal(process.env.QA_BENCH_PROFILE)
  // Time from request to response inside the server: what queueing and connection set-up
  // in the load generator's latency are not. (Not recorded for collector-2: its workers serve.)
  const handling: number[] = []
  server.prependListener('request', (_req, res) => {
    const t = performance.now()
    res.once('finish', () => handling.push(performance.now() - t))
  })
  server.keepAliveTimeout = 30_000
  // Ten times the usual connections arrive at once: more than Node's default backlog of 511.
  if (kind !== 'collector-2') await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, r))
  const others = [...(storePid ? [`store=${storePid}`] : []), ...(workerPids ? [`workers=${workerPids.join(',')}`] : [])]
  process.stdout.write(`ready ${(server.address() as AddressInfo).port} ${others.join(' ')}\n`)
  process.once('SIGTERM', () => {
    server.closeAllConnections()
    server.close()
    finish().then((counts) => {
      handling.sort((a, b) => a - b)
      const at = (q: number) => Number((handling[Math.min(handling.length - 1, Math.floor(handling.length * q))] ?? 0).toFixed(2))
      process.stdout.write(`final ${JSON.stringify({ ...counts, ...(handling.length ? { serverMs: { p50: at(0.5), p99: at(0.99), max: at(1) } } : {}) })}\n`)
      process.exit(0)
    })
  })
  // Stops by itself if the runner dies.
  setTimeout(() => process.exit(3), 15 * 60_000).unref()
}

void main()
