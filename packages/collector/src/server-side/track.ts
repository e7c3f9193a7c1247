import type { Collector } from '../collector.ts'
import type { Recorded } from '../pipeline/record-event.ts'

export interface ServerHit {
  /** Event name; a pageview by default. */
  name?: string
  /** Absolute page URL. */
  url: string
  /** The site's configured domain. */
  domain: string
  referrer?: string
  props?: Record<string, string | number | boolean>
  /** The visitor's address and user-agent: hashed and truncated exactly as for browser hits, never stored. */
  ip: string
  userAgent: string
  acceptLanguage?: string
  /** The visitor sent DNT or Sec-GPC: the hit is dropped. */
  doNotTrack?: boolean
}

/**
 * Server-side tracking: `const track = serverTracker(collector)` then
 * `await track({ url, domain, ip, userAgent })` from a request handler. The same
 * validation, consent, bot, truncation and hashing steps as the HTTP endpoint.
 */
export function serverTracker(collector: Collector): (hit: ServerHit) => Promise<Recorded> {
  return async (hit) => {
    const headers: Record<string, string> = { 'user-agent': hit.userAgent }
    if (hit.acceptLanguage) headers['accept-language'] = hit.acceptLanguage
    if (hit.doNotTrack) headers.dnt = '1'
    return collector.record({ n: hit.name ?? 'pageview', u: hit.url, d: hit.domain, r: hit.referrer ?? null, p: hit.props }, { peer: hit.ip, headers })
  }
}
