import { LRUCache } from 'lru-cache'
import { UAParser } from 'ua-parser-js'
import { isBot } from './bot.ts'

export interface UserAgentInfo {
  bot: boolean
  browser: string
  browser_version: string
  os: string
  os_version: string
  device: 'desktop' | 'mobile' | 'tablet' | 'other' | ''
}

const majorMinor = (v: string | undefined): string => (v ? v.split('.').slice(0, 2).join('.') : '')

/** Parses a user-agent into the coarse fields we store; versions cut to major.minor. */
export function parseUserAgent(ua: string): UserAgentInfo {
  const bot = isBot(ua)
  const r = new UAParser(ua).getResult()
  const type = r.device.type
  const device: UserAgentInfo['device'] =
    type === 'mobile' ? 'mobile' : type === 'tablet' ? 'tablet' : type === undefined ? (r.os.name || r.browser.name ? 'desktop' : '') : 'other'
  return {
    bot,
    browser: r.browser.name ?? '',
    browser_version: majorMinor(r.browser.version),
    os: r.os.name ?? '',
    os_version: majorMinor(r.os.version),
    device,
  }
}

/**
 * An uncached parse (bot test included) costs tens of microseconds; real traffic
 * repeats a few thousand user-agents, so a bounded LRU makes the hot path a map lookup.
 */
export function cachedUserAgentParser(max = 5000): (ua: string) => UserAgentInfo {
  const cache = new LRUCache<string, UserAgentInfo>({ max })
  return (ua) => {
    let info = cache.get(ua)
    if (!info) {
      info = parseUserAgent(ua)
      cache.set(ua, info)
    }
    return info
  }
}
