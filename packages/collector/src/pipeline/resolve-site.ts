import type { Site } from '@quiet-analytics/core'

export type SiteResolver = (domain: string) => Site | undefined

/** Only configured sites are accepted; a tracker may send several domains "a.com,b.com". */
export function siteResolver(sites: readonly Site[]): SiteResolver {
  const byDomain = new Map<string, Site>()
  for (const site of sites) for (const d of site.domains) byDomain.set(d, site)
  return (domain) => byDomain.get(domain.split(',')[0]!.trim().replace(/^www\./, ''))
}

/** A browser Origin, when sent, must be one the site allows. Server-side calls send none. */
export function originAllowed(site: Site, origin: string | undefined): boolean {
  return origin === undefined || site.allowedOrigins.includes(origin)
}
