import express, { type Router } from 'express'
import type { Collector } from '../collector.ts'
import { EVENT_PATH, PIXEL_PATH } from './ingest-handler.ts'
import { UMAMI_PATH } from '../pipeline/umami.ts'
import { serveTracker } from './tracker-route.ts'

/**
 * The collector as an Express router, for sites that mount it in their own app:
 * `app.use(collectorRouter(collector))`. It reads the raw body itself; when a body
 * parser ran first, the parsed body is used instead.
 */
export function collectorRouter(collector: Collector): Router {
  const router = express.Router()
  router.all(EVENT_PATH, (req, res) => collector.handler(req, res))
  router.all(UMAMI_PATH, (req, res) => collector.handler(req, res))
  router.get(PIXEL_PATH, (req, res) => collector.handler(req, res))
  router.get('/script.js', (req, res) => serveTracker(collector.tracker, req, res))
  return router
}
