import { describe, expect, it } from 'vitest'
import { clientIp, trustedProxyMatcher } from '../src/index.ts'

describe('clientIp', () => {
  const trusted = trustedProxyMatcher(['10.0.0.0/8', '::1'])

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(clientIp('198.51.100.9', '203.0.113.77', trusted)?.ip).toBe('198.51.100.9')
    expect(clientIp('198.51.100.9', '203.0.113.77', trustedProxyMatcher([]))?.ip).toBe('198.51.100.9')
  })
  it('walks X-Forwarded-For from the right past trusted hops', () => {
    expect(clientIp('10.0.0.1', '6.6.6.6, 203.0.113.77, 10.1.2.3', trusted)?.ip).toBe('203.0.113.77')
  })
  it('matches IPv4-mapped peers against IPv4 ranges', () => {
    expect(clientIp('::ffff:10.0.0.1', '203.0.113.77', trusted)?.ip).toBe('203.0.113.77')
  })
  it('matches ranges bit by bit, IPv6 and partial bytes included', () => {
    const m = trustedProxyMatcher(['172.16.0.0/12', '2001:db8:abcd::/48', '::ffff:192.168.0.0/112'])
    expect(['172.16.0.1', '172.31.255.255', '2001:db8:abcd:1::7', '192.168.4.4', '::ffff:172.20.0.1'].map(m)).toEqual([true, true, true, true, true])
    expect(['172.32.0.1', '172.15.255.255', '2001:db8:abce::1', '192.169.0.1', '10.0.0.1', 'garbage', ''].map(m)).toEqual([false, false, false, false, false, false, false])
  })
  it('returns the leftmost hop when every hop is trusted, and skips empty hops', () => {
    expect(clientIp('10.0.0.1', '10.9.9.9, , 10.1.2.3', trusted)?.ip).toBe('10.9.9.9')
    expect(clientIp('10.0.0.1', ' 203.0.113.77 ,', trusted)?.ip).toBe('203.0.113.77')
  })
  it('returns undefined when the first untrusted hop is garbage', () => {
    expect(clientIp('::1', 'not-an-ip', trusted)).toBeUndefined()
  })
})
