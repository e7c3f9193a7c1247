import { createHmac } from 'node:crypto'

/**
 * visitor = first 64 bits of HMAC-SHA256(salt[site, day], site | ip | user-agent),
 * as a decimal string (ClickHouse UInt64). Unlinkable once the day's salt is destroyed.
 */
export function visitorHash(salt: Buffer, siteId: string, ip: string, userAgent: string): string {
  const digest = createHmac('sha256', salt).update(`${siteId}|${ip}|${userAgent}`).digest()
  return digest.readBigUInt64BE(0).toString()
}
