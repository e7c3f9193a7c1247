import { describe, expect, it } from 'vitest'
import { isIpAddress, maskIpText, truncateIp } from '../src/index.ts'

describe('truncateIp', () => {
  it('keeps /24 of IPv4 by default', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0')
  })
  it('keeps /48 of IPv6 by default', () => {
    expect(truncateIp('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd::')
  })
  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(truncateIp('::ffff:203.0.113.77')).toBe('203.0.113.0')
  })
  it('applies stricter prefixes, including partial bytes', () => {
    expect(truncateIp('203.0.113.77', { ipv4PrefixBits: 16, ipv6PrefixBits: 48 })).toBe('203.0.0.0')
    expect(truncateIp('203.0.255.77', { ipv4PrefixBits: 20, ipv6PrefixBits: 48 })).toBe('203.0.240.0')
    expect(truncateIp('2001:db8:abcd:12::1', { ipv4PrefixBits: 24, ipv6PrefixBits: 32 })).toBe('2001:db8::')
  })
  it('returns null for input that is not an address', () => {
    for (const bad of ['', 'localhost', '300.1.1.1', '1.2.3', '1.2.3.4.', '1..2.3', '1.2.3.4444', '01.2.3.4', '2001:::1', '203.0.113.77; DROP TABLE']) expect(truncateIp(bad)).toBeNull()
    expect(truncateIp('0.0.0.0')).toBe('0.0.0.0')
    expect(truncateIp('255.255.255.255')).toBe('255.255.255.0')
  })
})

describe('isIpAddress', () => {
  it('knows addresses from text with colons and dots', () => {
    expect(['203.0.113.7', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:203.0.113.7'].map(isIpAddress)).toEqual([true, true, true, true, true])
    expect(['https://example.com/a', '12:30', '1.2.3', 'a:b:c', '2001:db8::g', ''].map(isIpAddress)).toEqual([false, false, false, false, false, false])
  })
})

describe('maskIpText', () => {
  it('replaces addresses inside text and leaves versions and times alone', () => {
    expect(maskIpText('/user/203.0.113.77/profile')).toBe('/user/(ip)/profile')
    expect(maskIpText('from 2001:db8::1 at 12:30:45')).toBe('from (ip) at 12:30:45')
    expect(maskIpText('::ffff:203.0.113.77')).toBe('(ip)')
    expect(maskIpText('/download/v1.2.3/file-10.15')).toBe('/download/v1.2.3/file-10.15')
    expect(maskIpText('/a/1.2.3.4.5')).toBe('/a/1.2.3.4.5')
  })
})
