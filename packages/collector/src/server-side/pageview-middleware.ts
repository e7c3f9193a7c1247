import type { NextFunction, Request, Response } from 'express'
import { isIpAddress } from '@quiet-analytics/core'
import type { Collector } from '../collector.ts'

export interface PageviewOptions {
  /** The site's configured domain: the hostname recorded unless the request names one of its subdomains. */
  domain: string
  /** Requests not to count (health checks, previews). */
  skip?: (req: Request) => boolean
}

/** A page the browser is showing, not a fetch, an image or a prefetch. */
function isNavigation(req: Request): boolean {
  const dest = req.get('sec-fetch-dest')
  if (dest !== undefined) return dest === 'document'
  return (req.get('accept') ?? '').includes('text/html')
}

function isPrefetch(req: Request): boolean {
  return /prefetch|prerender/i.test(`${req.get('sec-purpose') ?? ''} ${req.get('purpose') ?? ''} ${req.get('x-moz') ?? ''} ${req.get('x-purpose') ?? ''}`)
}

/**
 * The hostname to record: Express's `req.hostname` (the Host header, or X-Forwarded-Host
 * when the app trusts its proxy) when it is the site's domain or a subdomain of it;
 * otherwise the configured domain. Never an address.
 */
function hostnameOf(req: Request, domain: string): string {
  const host = req.hostname
  return host && !isIpAddress(host) && (host === domain || host.endsWith(`.${domain}`)) ? host : domain
}

/**
 * Records a pageview for what a reader saw of a server-rendered site, with no client
 * script: GET navigations answered 2xx with HTML, or 304 (a revalidated page the browser
 * shows from its cache). Not HEAD requests, prefetches or prerenders, not errors. The
 * visitor's address comes from the socket, or from X-Forwarded-For when the peer is one
 * of the collector's trusted proxies.
 */
export function pageviewMiddleware(collector: Collector, opts: PageviewOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' && !isPrefetch(req) && !opts.skip?.(req)) {
      res.once('finish', () => {
        const html = String(res.getHeader('content-type') ?? '').startsWith('text/html')
        const shown = (res.statusCode >= 200 && res.statusCode < 300 && html) || (res.statusCode === 304 && isNavigation(req))
        if (!shown) return
        const event = { n: 'pageview', u: `${req.protocol}://${hostnameOf(req, opts.domain)}${req.originalUrl}`, d: opts.domain, r: req.get('referer') ?? null }
        // Server-side hits carry no browser Origin to check.
        const headers = { ...req.headers }
        delete headers.origin
        collector.record(event, { peer: req.socket.remoteAddress, headers }).catch(() => undefined)
      })
    }
    next()
  }
}
