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
  const quad = dottedQuad(ip)
  if (quad) return truncateBytes(quad, bits.ipv4PrefixBits).join('.')
  if (!isIpAddress(ip)) return null
  const addr = ipaddr.process(ip)
  const keep = addr.kind() === 'ipv4' ? bits.ipv4PrefixBits : bits.ipv6PrefixBits
  return ipaddr.fromByteArray(truncateBytes(addr.toByteArray(), keep)).toString()
}

function truncateBytes(bytes: number[], keep: number): number[] {
  for (let i = 0; i < bytes.length; i++) {
    const bitsBefore = i * 8
    if (bitsBefore >= keep) bytes[i] = 0
    else if (bitsBefore + 8 > keep) bytes[i]! &= 0xff << (8 - (keep - bitsBefore))
  }
  return bytes
}

const QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** The hot path's plain IPv4 ("203.0.113.7"), parsed without exceptions; else undefined. */
function dottedQuad(ip: string): number[] | undefined {
  const m = QUAD.exec(ip)
  if (!m) return undefined
  const bytes = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]
  // Leading zeros are octal to some parsers: leave those to ipaddr's stricter rules.
  if (bytes.some((b) => b > 255) || /(^|\.)0\d/.test(ip)) return undefined
  return bytes
}

/** True for a dotted-quad IPv4 or an IPv6 address; legacy forms such as "1.2.3" are refused. */
export function isIpAddress(value: string): boolean {
  // Route by shape: ipaddr's validators throw and catch internally on a mismatch, which
  // costs a stack trace per call on the hot path.
  return value.includes(':') ? ipaddr.IPv6.isValid(value) : ipaddr.IPv4.isValidFourPartDecimal(value)
}
