import { routingFragment, scrubText } from '@quiet-analytics/core'

export interface PageInfo {
  hostname: string
  path: string
  utm_source: string
  utm_medium: string
  utm_campaign: string
  utm_term: string
  utm_content: string
}

const MAX_PATH = 2048

/**
 * Splits a page URL into host, a normalised path and UTM fields. The query string is
 * dropped except allowlisted keys; utm_* go to their own fields; `ref` and `source`
 * stand in for utm_source as Plausible does; the fragment is dropped unless the site
 * routes by hash (h = 1).
 */
export function parsePageUrl(raw: string, allowlist: ReadonlySet<string>, hashRouting = false): PageInfo | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  // Most page URLs carry no query: no search parameters to build then.
  const q = url.search.length > 1 ? url.searchParams : undefined
  const tag = (k: string) => scrubText((q?.get(k) ?? '').trim()).slice(0, 200)
  const utm = { utm_source: tag('utm_source'), utm_medium: tag('utm_medium'), utm_campaign: tag('utm_campaign'), utm_term: tag('utm_term'), utm_content: tag('utm_content') }
  if (!utm.utm_source && q) utm.utm_source = tag(q.has('ref') ? 'ref' : 'source')
  const kept = new URLSearchParams()
  if (q) for (const [k, v] of q) if (allowlist.has(k)) kept.append(k, v)
  let path = url.pathname.replace(/\/{2,}/g, '/')
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1)
  const query = kept.toString()
  if (query) path += `?${query}`
  path = scrubText(safeDecode(path))
  if (hashRouting && url.hash.length > 1) path += routingFragment(safeDecode(url.hash))
  return { hostname: scrubText(url.hostname.toLowerCase().replace(/^www\./, '').replace(/^\[|\]$/g, '')), path: path.slice(0, MAX_PATH), ...utm }
}

function safeDecode(s: string): string {
  try {
    return decodeURI(s)
  } catch {
    return s
  }
}
