import { timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import express from 'express'
import type { Collector } from '../collector.ts'
import { collectorRouter } from './express-router.ts'
import { json } from './respond.ts'

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '')
  const expected = Buffer.from(token)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * The standalone collector: /api/* goes straight to the lean node:http handler (the
 * hot path pays no framework cost); everything else is a small Express app.
 */
export interface StandaloneOptions {
  metricsToken?: string | undefined
  /** A request must arrive whole within this (default 10 s); headers within half of it. */
  requestTimeoutMs?: number
}

export function createStandaloneServer(collector: Collector, opts: StandaloneOptions = {}): Server {
  const app = express()
  app.disable('x-powered-by')
  app.use(collectorRouter(collector))
  app.get('/health', (_req, res) => json(res, 200, { status: 'ok' }))
  app.get('/ready', async (_req, res) => {
    const r = await collector.readiness()
    json(res, r.ready ? 200 : 503, {
      status: r.ready ? 'ready' : 'not ready',
      store: r.store ? 'ok' : 'unreachable',
      buffered: r.buffered,
      capacity: r.capacity,
      spoolBytes: r.spoolBytes,
      reservedBytes: r.reservedBytes,
      spoolCapacity: r.spoolCapacity,
    })
  })
  app.get('/metrics', async (req, res) => {
    if (!opts.metricsToken) return json(res, 404, { error: 'metrics are disabled (set METRICS_TOKEN)' })
    if (!tokenMatches(req.headers.authorization, opts.metricsToken)) return json(res, 401, { error: 'bearer token required' })
    collector.metrics.buffered.set(collector.writer.buffered)
    collector.metrics.spoolReservedBytes.set(collector.writer.reservedBytes)
    res.type(collector.metrics.registry.contentType).send(await collector.metrics.registry.metrics())
  })
  app.use((_req, res) => json(res, 404, { error: 'not found' }))
  const requestTimeout = opts.requestTimeoutMs ?? 10_000
  // Slow or stalled bodies must not hold sockets: the timeouts are checked every second.
  const server = createServer({ requestTimeout, headersTimeout: requestTimeout / 2, connectionsCheckingInterval: Math.min(1000, requestTimeout / 2), keepAliveTimeout: 5_000 }, (req, res) => {
    if (req.url?.startsWith('/api/')) collector.handler(req, res)
    else app(req, res)
  })
  return server
}
