import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TrackerScript } from '../tracker-script.ts'

/** GET /script.js: cacheable for an hour, gzipped when the client accepts it. */
export function serveTracker(script: TrackerScript, req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string> = {
    'Content-Type': 'application/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=3600',
    ETag: script.etag,
    Vary: 'Accept-Encoding',
    'Access-Control-Allow-Origin': '*',
  }
  if (req.headers['if-none-match'] === script.etag) {
    res.writeHead(304, headers)
    return void res.end()
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
  const body = gzip ? script.gzipped : script.source
  res.writeHead(200, { ...headers, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}), 'Content-Length': String(body.length) })
  res.end(req.method === 'HEAD' ? undefined : body)
}
