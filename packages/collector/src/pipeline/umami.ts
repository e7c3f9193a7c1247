import { UmamiBodySchema, WireEventSchema, zodReason, type Site, type UmamiBody } from '@quiet-analytics/core'
import { parseJson, type ParseResult } from './parse-body.ts'

/**
 * The Umami adapter, whole: its endpoint, how its `website` names a site, and its body in
 * our wire format. Everything after (pipeline, counts, answers) is the common ingest path.
 */

/** Umami's tracker endpoint, so its snippet can point here unchanged. */
export const UMAMI_PATH = '/api/send'

/** The domain of the site an Umami `website` value names: the site's id, a domain, or its umamiWebsiteId. */
export function umamiResolver(sites: readonly Site[]): (website: string) => string | undefined {
  const byKey = new Map<string, string>()
  for (const s of sites) {
    for (const key of [s.id, ...s.domains, ...(s.umamiWebsiteId ? [s.umamiWebsiteId] : [])]) byKey.set(key, s.domains[0]!)
  }
  return (website) => byKey.get(website)
}

/** An Umami body (`{type, payload}`) to a wire event, or the reason it is refused (with the site it claimed, to count it there). */
export function parseUmamiBody(body: Buffer, domainOf: (website: string) => string | undefined): ParseResult {
  const decoded = parseJson(body)
  if (!decoded.ok) return decoded
  const umami = UmamiBodySchema.safeParse(decoded.json)
  if (!umami.success) {
    const website = (decoded.json as { payload?: { website?: unknown } } | null)?.payload?.website
    return { ok: false, reason: zodReason(umami.error), domain: typeof website === 'string' ? domainOf(website) : undefined }
  }
  return umamiToWire(umami.data, domainOf)
}

/**
 * Umami's payload in our wire format: its `url` is a path on `hostname` (the site's
 * first domain when absent, as `@umami/node` sends), `screen` is "WIDTHxHEIGHT", `data`
 * becomes props (flat values only), no name means a pageview. `website` names the site
 * (its id, a domain, or the site's umamiWebsiteId); an unknown one is a 404, as an
 * unknown domain is on /api/event.
 */
function umamiToWire(body: UmamiBody, domainOf: (website: string) => string | undefined): ParseResult {
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
