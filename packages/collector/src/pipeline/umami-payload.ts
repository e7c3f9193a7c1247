import { WireEventSchema, zodReason, type UmamiBody } from '@qa/core'
import type { ParseResult } from './parse-body.ts'

/**
 * Umami's payload in our wire format: its `url` is a path on `hostname` (the site's
 * first domain when absent, as `@umami/node` sends), `screen` is "WIDTHxHEIGHT", `data`
 * becomes props (flat values only), no name means a pageview. `website` names the site
 * (its id, a domain, or the site's umamiWebsiteId); an unknown one is a 404, as an
 * unknown domain is on /api/event.
 */
export function umamiToWire(body: UmamiBody, domainOf: (website: string) => string | undefined): ParseResult {
  const p = body.payload
  const domain = domainOf(p.website)
  if (!domain) return { ok: false, status: 404, reason: 'unknown site' }
  const path = p.url ?? '/'
  const url = /^https?:\/\//i.test(path) ? path : `https://${p.hostname ?? domain}${path.startsWith('/') ? '' : '/'}${path}`
  const props = p.data ? Object.fromEntries(Object.entries(p.data).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))) : undefined
  const parsed = WireEventSchema.safeParse({
    n: p.name ?? 'pageview',
    u: url,
    d: domain,
    r: p.referrer || null,
    w: p.screen ? Number(p.screen.split('x')[0]) : null,
    p: props,
  })
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, reason: zodReason(parsed.error, 'body', 'payload: '), domain }
}
