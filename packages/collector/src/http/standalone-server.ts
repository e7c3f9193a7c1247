import { createServer, type Server } from 'node:http'
import express from 'express'
import type { Collector } from '../collector.ts'
import { collectorRouter } from './express-router.ts'
import { json } from './respond.ts'

/**
 * The standalone collector: /api/* goes straight to the lean node:http handler (the
 * hot path pays no framework cost); everything else is a small Express app.
 */
export function createStandaloneServer(collector: Collector): Server {
  const app = express()
  app.disable('x-powered-by')
  app.use(collectorRouter(collector))
  app.get('/health', (_req, res) => json(res, 200, { status: 'ok', buffered: collector.writer.buffered }))
  app.use((_req, res) => json(res, 404, { error: 'not found' }))
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/')) collector.handler(req, res)
    else app(req, res)
  })
  // Slow or stalled bodies must not hold sockets forever.
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  server.keepAliveTimeout = 5_000
  return server
}
