import type { NextFunction, Request, Response } from 'express'
import type { Collector } from '../collector.ts'

export interface PageviewOptions {
  /** The site's configured domain. */
  domain: string
  /** Requests not to count (health checks, previews); HTML responses only are counted anyway. */
  skip?: (req: Request) => boolean
}

/**
 * Records a pageview for every successful HTML response of a server-rendered site, with
 * no client script. The visitor's address comes from the socket, or from X-Forwarded-For
 * when the peer is one of the collector's trusted proxies.
 */
export function pageviewMiddleware(collector: Collector, opts: PageviewOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' && !opts.skip?.(req)) {
      res.once('finish', () => {
        const type = String(res.getHeader('content-type') ?? '')
        if (res.statusCode < 200 || res.statusCode >= 300 || !type.startsWith('text/html')) return
        const event = { n: 'pageview', u: `${req.protocol}://${req.get('host') ?? opts.domain}${req.originalUrl}`, d: opts.domain, r: req.get('referer') ?? null }
        // Server-side hits carry no browser Origin to check.
        const headers = { ...req.headers }
        delete headers.origin
        collector.record(event, { peer: req.socket.remoteAddress, headers }).catch(() => undefined)
      })
    }
    next()
  }
}
