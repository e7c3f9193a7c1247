import ipaddr from 'ipaddr.js'

export interface TruncationBits {
  ipv4PrefixBits: number
  ipv6PrefixBits: number
}

export const DEFAULT_TRUNCATION: TruncationBits = { ipv4PrefixBits: 24, ipv6PrefixBits: 48 }

/**
 * Zeroes the host part of an address: IPv4 to /24 and IPv6 to /48 by default.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is treated as the IPv4 it carries.
 * Returns null for anything that is not an address.
 */
export function truncateIp(ip: string, bits: TruncationBits = DEFAULT_TRUNCATION): string | null {
  if (!isIpAddress(ip)) return null
  const addr = ipaddr.process(ip)
  const keep = addr.kind() === 'ipv4' ? bits.ipv4PrefixBits : bits.ipv6PrefixBits
  const bytes = addr.toByteArray()
  for (let i = 0; i < bytes.length; i++) {
    const bitsBefore = i * 8
    if (bitsBefore >= keep) bytes[i] = 0
    else if (bitsBefore + 8 > keep) bytes[i]! &= 0xff << (8 - (keep - bitsBefore))
  }
  return ipaddr.fromByteArray(bytes).toString()
}

/** True for a dotted-quad IPv4 or an IPv6 address; legacy forms such as "1.2.3" are refused. */
export function isIpAddress(value: string): boolean {
  // Route by shape: ipaddr's validators throw and catch internally on a mismatch, which
  // costs a stack trace per call on the hot path.
  return value.includes(':') ? ipaddr.IPv6.isValid(value) : ipaddr.IPv4.isValidFourPartDecimal(value)
}
