import type { IncomingHttpHeaders } from 'node:http'

/** True when the browser asks not to be tracked (DNT: 1 or Sec-GPC: 1). */
export function refusesTracking(headers: IncomingHttpHeaders): boolean {
  return headers.dnt === '1' || headers['sec-gpc'] === '1'
}
