/**
 * One load-test target in its own process: `node --import tsx bench/lib/target-server.ts
 * <bare-node|bare-express|collector|collector-express>`. Prints "ready <port>"; on
 * SIGTERM it stops, flushes, and prints one JSON line of final counts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
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

async function main(): Promise<void> {
  let finish: () => Promise<Record<string, unknown>> = async () => ({})
  let server
  if (kind === 'bare-node') {
    server = createServer(bareHandler)
  } else if (kind === 'bare-express') {
    const app = express()
    app.post('/api/event', bareHandler)
    server = createServer(app)
  } else if (kind === 'collector' || kind === 'collector-express') {
    // Loaded only here: the baselines must not carry the embedded engine in their RSS.
    const { createLogger, createStore, loadConfig, migrate } = await import('@qa/core')
    const { collectorRouter, createCollector, createStandaloneServer } = await import('@qa/collector')
    const dataDir = mkdtempSync(join(tmpdir(), 'qa-bench-'))
    const config = loadConfig({}, {
      dataDir,
      sites: loadCorpus().sites.map((d) => ({ domains: [d] })),
      logLevel: 'silent',
      collector: { trustedProxies: ['127.0.0.1'], rateLimitPerMinute: 0, maxBufferedRows: 1_000_000, ...(process.env.NOFLUSH ? { flushIntervalMs: 60_000, batchMaxRows: 1_000_000 } : {}) },
    })
    const store = await createStore(config)
    await migrate(store.client)
    const collector = createCollector({ config, store, logger: createLogger('silent') })
    await collector.prepareSalts()
    if (kind === 'collector') server = createStandaloneServer(collector)
    else {
      const app = express()
      app.use(collectorRouter(collector))
      server = createServer(app)
    }
    finish = async () => {
      await collector.close()
      const r = await store.client.query({ query: 'SELECT count() AS n FROM raw_hits', format: 'JSONEachRow' })
      const stored = Number((await r.json<{ n: string }>())[0]!.n)
      await store.close()
      rmSync(dataDir, { recursive: true, force: true })
      return { accepted: collector.counters.accepted, invalid: collector.counters.invalid, dropped: collector.drops.totals, stored }
    }
  } else {
    throw new Error(`unknown target ${kind}`)
  }
  // Time from request to response inside the server: what queueing and connection set-up
  // in the load generator's latency are not.
  const handling: number[] = []
  server.prependListener('request', (_req, res) => {
    const t = performance.now()
    res.once('finish', () => handling.push(performance.now() - t))
  })
  server.keepAliveTimeout = 30_000
  // Ten times the usual connections arrive at once: more than Node's default backlog of 511.
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, r))
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`)
  process.once('SIGTERM', () => {
    server.closeAllConnections()
    server.close()
    finish().then((counts) => {
      handling.sort((a, b) => a - b)
      const at = (q: number) => Number((handling[Math.min(handling.length - 1, Math.floor(handling.length * q))] ?? 0).toFixed(2))
      process.stdout.write(`final ${JSON.stringify({ ...counts, serverMs: { p50: at(0.5), p99: at(0.99), max: at(1) } })}\n`)
      process.exit(0)
    })
  })
  // Stops by itself if the runner dies.
  setTimeout(() => process.exit(3), 15 * 60_000).unref()
}

void main()
