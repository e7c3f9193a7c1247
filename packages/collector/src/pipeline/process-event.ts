import { clientIp, scrubText, type IngestDropReason, truncateAddress, visitorHash, siteDay, type RawHit, type Site, type TrustedProxies, type TruncationBits, type WireEvent } from '@quiet-analytics/core'
import type { IncomingHttpHeaders } from 'node:http'
import { classifyReferrer } from '../enrich/referrer.ts'
import { parsePageUrl } from '../enrich/page-url.ts'
import { screenClass } from '../enrich/screen-class.ts'
import { primaryLanguage } from '../enrich/language.ts'
import type { UserAgentInfo } from '../enrich/user-agent.ts'
import type { CountryLookup } from '../enrich/geo.ts'
import { refusesTracking } from './consent.ts'
import { originAllowed, type SiteResolver } from './resolve-site.ts'
import { sanitiseProps } from './sanitise-props.ts'

/** What the pipeline drops an event for (invalid input is refused before it, late rows are found at purge). */
export type DropReason = Exclude<IngestDropReason, 'invalid' | 'late'>

export type Outcome =
  | { kind: 'accept'; row: RawHit }
  | { kind: 'drop'; reason: DropReason; siteId: string }
  | { kind: 'reject'; status: 400 | 403 | 404; reason: string; siteId?: string }

export interface RequestContext {
  peer: string | undefined
  headers: IncomingHttpHeaders
}

export interface PipelineDeps {
  resolveSite: SiteResolver
  trustedProxies: TrustedProxies
  truncation: TruncationBits
  honourDnt: boolean
  queryAllowlist: ReadonlySet<string>
  parseUserAgent: (ua: string) => UserAgentInfo
  country: CountryLookup
  /** Admits one event for a truncated address; false once its per-minute budget is spent. */
  admit: (truncatedIp: string) => boolean
  /** Admits one event for a site; false once the site's per-minute budget is spent. */
  admitSite: (siteId: string) => boolean
  salt: (site: Site, day: string) => Buffer | Promise<Buffer>
  now: () => number
}

const declaredNames = new WeakMap<Site, ReadonlySet<string>>()

/** Whether the site accepts this event name: pageviews and engagement always, custom names when declared (or when none are). */
function declared(site: Site, name: string): boolean {
  if (!site.events || name === 'pageview' || name === 'engagement') return true
  let names = declaredNames.get(site)
  if (!names) declaredNames.set(site, (names = new Set(site.events)))
  return names.has(name)
}

/** Names the setting to change: a page on a new origin (a staging host, an app) is the usual cause. */
const originRefusal = (site: Site, origin: string): string =>
  `origin ${origin.slice(0, 200)} is not allowed for site ${site.id}: add it to the site's allowedOrigins`

const header = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h)

/**
 * The pipeline's steps, in the order processEvent takes them: the first step that
 * refuses an event decides its outcome (an unknown site is a 404 even from a bot; a
 * bot is counted as a bot even past its rate limit). `collector/test/pipeline` pins the
 * order with events that break two neighbouring steps at once.
 */
export const PIPELINE_STEPS = ['site', 'origin', 'consent', 'declared_event', 'bot', 'client_address', 'rate_limit', 'page_url', 'visitor_hash', 'enrich'] as const

/**
 * The ingest pipeline, PIPELINE_STEPS in order, to the minimal row. The full IP and
 * user-agent never leave this function. Synchronous unless the day's salt has to be
 * fetched, so the hot path allocates no promise.
 */
export function processEvent(event: WireEvent, ctx: RequestContext, deps: PipelineDeps): Outcome | Promise<Outcome> {
  const site = deps.resolveSite(event.d)
  if (!site) return { kind: 'reject', status: 404, reason: 'unknown site' }
  const origin = header(ctx.headers.origin)
  if (!originAllowed(site, origin)) return { kind: 'reject', status: 403, reason: originRefusal(site, origin!), siteId: site.id }
  if (deps.honourDnt && refusesTracking(ctx.headers)) return { kind: 'drop', reason: 'consent', siteId: site.id }
  if (!declared(site, event.n)) return { kind: 'drop', reason: 'undeclared_event', siteId: site.id }
  const ua = header(ctx.headers['user-agent'])
  const agent = ua ? deps.parseUserAgent(ua) : undefined
  if (!ua || !agent || agent.bot) return { kind: 'drop', reason: 'bot', siteId: site.id }

  const client = clientIp(ctx.peer, header(ctx.headers['x-forwarded-for']), deps.trustedProxies)
  if (!client) return { kind: 'reject', status: 400, reason: 'no client address', siteId: site.id }
  const { ip } = client
  const truncated = truncateAddress(client.bytes, deps.truncation)
  if (!deps.admit(truncated) || !deps.admitSite(site.id)) return { kind: 'drop', reason: 'rate_limited', siteId: site.id }

  const page = parsePageUrl(event.u, deps.queryAllowlist, event.h === true || event.h === 1)
  if (!page) return { kind: 'reject', status: 400, reason: 'u: not an http(s) URL', siteId: site.id }

  const ts = deps.now()
  const accept = (salt: Buffer): Outcome => {
    const referrer = classifyReferrer(event.r, page.hostname, page.utm_source)
    return {
      kind: 'accept',
      row: {
        ts,
        site_id: site.id,
        visitor_id: visitorHash(salt, site.id, ip, ua),
        name: scrubText(event.n),
        hostname: page.hostname,
        path: page.path,
        referrer_host: referrer.referrer_host,
        source: referrer.source,
        utm_source: page.utm_source,
        utm_medium: page.utm_medium,
        utm_campaign: page.utm_campaign,
        utm_term: page.utm_term,
        utm_content: page.utm_content,
        browser: agent.browser,
        browser_version: agent.browser_version,
        os: agent.os,
        os_version: agent.os_version,
        device: agent.device,
        country: deps.country(truncated),
        screen_class: screenClass(event.w),
        language: primaryLanguage(header(ctx.headers['accept-language'])),
        engagement_ms: event.e ?? 0,
        scroll_depth: event.sd ?? 0,
        props: sanitiseProps(event.p),
      },
    }
  }
  const salt = deps.salt(site, siteDay(ts, site.timezone))
  return Buffer.isBuffer(salt) ? accept(salt) : salt.then(accept)
}
