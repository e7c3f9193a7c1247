import { describe, expect, it } from 'vitest'
import { clientIp, trustedProxyMatcher } from '../src/index.ts'

describe('clientIp', () => {
  const trusted = trustedProxyMatcher(['10.0.0.0/8', '::1'])

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(clientIp('198.51.100.9', '203.0.113.77', trusted)).toBe('198.51.100.9')
    expect(clientIp('198.51.100.9', '203.0.113.77', trustedProxyMatcher([]))).toBe('198.51.100.9')
  })
  it('walks X-Forwarded-For from the right past trusted hops', () => {
    expect(clientIp('10.0.0.1', '6.6.6.6, 203.0.113.77, 10.1.2.3', trusted)).toBe('203.0.113.77')
  })
  it('matches IPv4-mapped peers against IPv4 ranges', () => {
    expect(clientIp('::ffff:10.0.0.1', '203.0.113.77', trusted)).toBe('203.0.113.77')
  })
  it('returns undefined when the first untrusted hop is garbage', () => {
    expect(clientIp('::1', 'not-an-ip', trusted)).toBeUndefined()
  })
})
