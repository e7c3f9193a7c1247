import { WireEventSchema, type UmamiBody, type WireEvent } from '@qa/core'

/**
 * Umami's payload in our wire format: its `url` is a path on `hostname`, `screen` is
 * "WIDTHxHEIGHT", `data` becomes props (flat values only), no name means a pageview.
 * `website` names the site (its id, a domain, or the site's umamiWebsiteId).
 */
export function umamiToWire(body: UmamiBody, domainOf: (website: string) => string | undefined): { ok: true; event: WireEvent } | { ok: false; reason: string } {
  const p = body.payload
  const domain = domainOf(p.website)
  if (!domain) return { ok: false, reason: 'payload.website: unknown website' }
  const url = /^https?:\/\//i.test(p.url) ? p.url : `https://${p.hostname}${p.url.startsWith('/') ? '' : '/'}${p.url}`
  const props = p.data ? Object.fromEntries(Object.entries(p.data).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))) : undefined
  const parsed = WireEventSchema.safeParse({
    n: p.name ?? 'pageview',
    u: url,
    d: domain,
    r: p.referrer || null,
    w: p.screen ? Number(p.screen.split('x')[0]) : null,
    p: props,
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    return { ok: false, reason: `payload: ${issue.path.join('.') || 'body'}: ${issue.message}` }
  }
  return { ok: true, event: parsed.data }
}
