import { scrubText } from '@quiet-analytics/core'

export interface ReferrerInfo {
  referrer_host: string
  source: string
}

/** Known referrer hosts and the source name they are grouped under. */
const SOURCES: [RegExp, string][] = [
  [/(^|\.)google\.[a-z.]+$/, 'Google'],
  [/(^|\.)bing\.com$/, 'Bing'],
  [/(^|\.)duckduckgo\.com$/, 'DuckDuckGo'],
  [/(^|\.)yahoo\.[a-z.]+$/, 'Yahoo!'],
  [/(^|\.)yandex\.[a-z.]+$/, 'Yandex'],
  [/(^|\.)baidu\.com$/, 'Baidu'],
  [/(^|\.)ecosia\.org$/, 'Ecosia'],
  [/(^|\.)qwant\.com$/, 'Qwant'],
  [/(^|\.)search\.brave\.com$/, 'Brave Search'],
  [/(^|\.)(facebook\.com|fb\.com|l\.facebook\.com)$/, 'Facebook'],
  [/(^|\.)instagram\.com$/, 'Instagram'],
  [/(^|\.)(twitter\.com|t\.co|x\.com)$/, 'Twitter'],
  [/(^|\.)(linkedin\.com|lnkd\.in)$/, 'LinkedIn'],
  [/(^|\.)reddit\.com$/, 'Reddit'],
  [/(^|\.)news\.ycombinator\.com$/, 'Hacker News'],
  [/(^|\.)(youtube\.com|youtu\.be)$/, 'YouTube'],
  [/(^|\.)github\.com$/, 'GitHub'],
  [/(^|\.)(mastodon\.social|mastodon\.online)$/, 'Mastodon'],
  [/(^|\.)bsky\.app$/, 'Bluesky'],
  [/(^|\.)pinterest\.[a-z.]+$/, 'Pinterest'],
  [/(^|\.)(chatgpt\.com|chat\.openai\.com)$/, 'ChatGPT'],
  [/(^|\.)perplexity\.ai$/, 'Perplexity'],
]

function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host
}

/**
 * Keeps only the referrer's host (never the full URL) and classifies it. A referral
 * from the site itself counts as no referrer. A utm_source/ref in the page URL wins.
 */
export function classifyReferrer(referrer: string | null | undefined, pageHost: string, utmSource: string): ReferrerInfo {
  let host = ''
  if (referrer) {
    try {
      const url = new URL(referrer)
      if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'android-app:') host = scrubText(stripWww(url.hostname.toLowerCase()).replace(/^\[|\]$/g, ''))
    } catch {
      host = ''
    }
  }
  if (host && host === stripWww(pageHost)) host = ''
  if (utmSource) return { referrer_host: host, source: scrubText(utmSource).slice(0, 100) }
  if (!host) return { referrer_host: '', source: '' }
  const known = SOURCES.find(([re]) => re.test(host))
  return { referrer_host: host, source: known ? known[1] : host }
}
