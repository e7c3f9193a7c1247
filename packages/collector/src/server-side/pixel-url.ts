export interface PixelUrlOptions {
  /** The collector's origin, e.g. https://stats.example.com */
  collector: string
  /** The site's configured domain. */
  domain: string
  /** The page being viewed, absolute, with its query (utm_* and allowlisted parameters are kept, the rest dropped at ingest). */
  url: string
  /** Where the reader came from, when the server knows it. */
  referrer?: string
}

/**
 * The no-JS pixel's address for a server-rendered page: it carries the page itself
 * (`u`), so the collector records the right path and campaign whatever Referer the
 * browser sends to another origin (only the origin, by default).
 */
export function pixelUrl({ collector, domain, url, referrer }: PixelUrlOptions): string {
  const q = new URLSearchParams({ d: domain, u: url })
  if (referrer) q.set('r', referrer)
  return `${collector.replace(/\/+$/, '')}/api/pixel.gif?${q}`
}
