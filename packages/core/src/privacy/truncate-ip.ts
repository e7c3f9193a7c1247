import ipaddr from 'ipaddr.js'

export interface TruncationBits {
  ipv4PrefixBits: number
  ipv6PrefixBits: number
}

export const DEFAULT_TRUNCATION: TruncationBits = { ipv4PrefixBits: 24, ipv6PrefixBits: 48 }

/** An address as bytes: 4 for IPv4 (IPv4-mapped IPv6 included), 16 for IPv6. */
export type AddressBytes = number[]

/**
 * Zeroes the host part of an address: IPv4 to /24 and IPv6 to /48 by default.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is treated as the IPv4 it carries.
 * Returns null for anything that is not an address.
 */
export function truncateIp(ip: string, bits: TruncationBits = DEFAULT_TRUNCATION): string | null {
  const bytes = addressBytes(ip)
  return bytes ? truncateAddress(bytes, bits) : null
}

/** The same, for an address already parsed (its bytes are left as they were). */
export function truncateAddress(address: AddressBytes, bits: TruncationBits = DEFAULT_TRUNCATION): string {
  const bytes = address.slice()
  if (bytes.length === 4) return truncateBytes(bytes, bits.ipv4PrefixBits).join('.')
  return ipaddr.fromByteArray(truncateBytes(bytes, bits.ipv6PrefixBits)).toString()
}

function truncateBytes(bytes: AddressBytes, keep: number): AddressBytes {
  for (let i = 0; i < bytes.length; i++) {
    const bitsBefore = i * 8
    if (bitsBefore >= keep) bytes[i] = 0
    else if (bitsBefore + 8 > keep) bytes[i]! &= 0xff << (8 - (keep - bitsBefore))
  }
  return bytes
}

/** Whether the first `bits` bits of two addresses of the same family agree. */
export function samePrefix(a: AddressBytes, b: AddressBytes, bits: number): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i * 8 < bits; i++) {
    const left = bits - i * 8
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff
    if ((a[i]! & mask) !== (b[i]! & mask)) return false
  }
  return true
}

/** The bytes of a dotted-quad IPv4 or an IPv6 address; undefined for anything else (legacy forms such as "1.2.3" included). */
export function addressBytes(ip: string): AddressBytes | undefined {
  const quad = dottedQuad(ip)
  if (quad) return quad
  // Route by shape: ipaddr's parser throws on a mismatch, which costs a stack trace per
  // call on the hot path (URLs and times in props have colons too).
  if (!ip.includes(':') || !IPV6_SHAPE.test(ip)) return undefined
  let addr: ipaddr.IPv6
  try {
    addr = ipaddr.IPv6.parse(ip)
  } catch {
    return undefined
  }
  return addr.isIPv4MappedAddress() ? addr.toIPv4Address().toByteArray() : addr.toByteArray()
}

/** Hex groups, colons, an embedded dotted quad and a zone id: anything else is not IPv6. */
const IPV6_SHAPE = /^[0-9a-fA-F:.]{2,45}(%[\w.-]{1,64})?$/

/** The hot path's plain IPv4 ("203.0.113.7"), read without a regular expression or exceptions. */
function dottedQuad(ip: string): AddressBytes | undefined {
  if (ip.length < 7 || ip.length > 15) return undefined
  const bytes: AddressBytes = [0, 0, 0, 0]
  let part = 0
  let digits = 0
  let value = 0
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46
    if (c === 46) {
      // Leading zeros are octal to some parsers: refused, as ipaddr's four-part rule does.
      if (digits === 0 || value > 255 || part > 3 || (digits > 1 && ip.charCodeAt(i - digits) === 48)) return undefined
      bytes[part++] = value
      digits = 0
      value = 0
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + (c - 48)
      digits++
    } else return undefined
  }
  return part === 4 ? bytes : undefined
}

/** True for a dotted-quad IPv4 or an IPv6 address; legacy forms such as "1.2.3" are refused. */
export function isIpAddress(value: string): boolean {
  return addressBytes(value) !== undefined
}
