import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { siteDay, visitorHash } from '../src/index.ts'

describe('visitorHash', () => {
  const today = randomBytes(32)
  const tomorrow = randomBytes(32)
  const ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0'

  it('is a 64-bit decimal and stable within a site-day', () => {
    const a = visitorHash(today, 'site', '203.0.113.77', ua)
    expect(a).toMatch(/^\d{1,20}$/)
    expect(BigInt(a) < 2n ** 64n).toBe(true)
    expect(visitorHash(today, 'site', '203.0.113.77', ua)).toBe(a)
  })
  it('changes with the day salt, the site, the address and the user-agent', () => {
    const a = visitorHash(today, 'site', '203.0.113.77', ua)
    expect(visitorHash(tomorrow, 'site', '203.0.113.77', ua)).not.toBe(a)
    expect(visitorHash(today, 'other', '203.0.113.77', ua)).not.toBe(a)
    expect(visitorHash(today, 'site', '203.0.113.78', ua)).not.toBe(a)
    expect(visitorHash(today, 'site', '203.0.113.77', `${ua} x`)).not.toBe(a)
  })

  it('is HMAC-SHA256, for any salt length and long or non-ASCII user-agents', () => {
    const reference = (salt: Buffer, message: string) => createHmac('sha256', salt).update(message).digest().readBigUInt64BE(0).toString()
    for (const salt of [today, randomBytes(16), randomBytes(64), randomBytes(100)]) {
      for (const agent of [ua, 'x'.repeat(5000), 'Mozilla/5.0 (Linux; Android 14; 小米 13) Ärger', '']) {
        expect(visitorHash(salt, 'site', '2001:db8::1', agent)).toBe(reference(salt, `site|2001:db8::1|${agent}`))
      }
    }
  })
})

describe('siteDay', () => {
  it('follows the site time zone', () => {
    const t = Date.UTC(2026, 10, 23, 23, 30)
    expect(siteDay(t, 'UTC')).toBe('2026-11-23')
    expect(siteDay(t, 'Europe/Berlin')).toBe('2026-11-24')
    expect(siteDay(t, 'America/New_York')).toBe('2026-11-23')
  })
})

describe('site day boundaries', () => {
  it('finds the UTC start and end of a local day', async () => {
    const { startOfSiteDay, endOfSiteDay, previousDay } = await import('../src/index.ts')
    expect(new Date(startOfSiteDay('2026-11-23', 'UTC')).toISOString()).toBe('2026-11-23T00:00:00.000Z')
    expect(new Date(startOfSiteDay('2026-11-23', 'Europe/Berlin')).toISOString()).toBe('2026-11-22T23:00:00.000Z')
    expect(new Date(startOfSiteDay('2026-07-01', 'Europe/Berlin')).toISOString()).toBe('2026-06-30T22:00:00.000Z')
    expect(new Date(endOfSiteDay('2026-11-23', 'Asia/Kolkata')).toISOString()).toBe('2026-11-23T18:30:00.000Z')
    expect(new Date(startOfSiteDay('2026-11-23', 'America/New_York')).toISOString()).toBe('2026-11-23T05:00:00.000Z')
    expect(previousDay('2026-03-01')).toBe('2026-02-28')
  })
})
