import { isbot } from 'isbot'

/** Crawlers, headless browsers and clients sending no user-agent at all. */
export function isBot(userAgent: string | undefined): boolean {
  return !userAgent || userAgent.length < 8 || isbot(userAgent)
}
