import ipaddr from 'ipaddr.js'
import { addressBytes, samePrefix, type AddressBytes } from './truncate-ip.ts'

export type TrustedProxies = (ip: string) => boolean

/** Compiles a list of addresses and CIDRs into a membership test. */
export function trustedProxyMatcher(list: readonly string[]): TrustedProxies {
  const ranges: [AddressBytes, number][] = list.map((entry) => {
    if (entry.includes('/')) {
      const [net, bits] = ipaddr.parseCIDR(entry)
      // A v4 range written as mapped IPv6 (::ffff:10.0.0.0/104) matches the IPv4 it carries.
      return net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96 ? [(net as ipaddr.IPv6).toIPv4Address().toByteArray(), bits - 96] : [net.toByteArray(), bits]
    }
    const bytes = addressBytes(entry)!
    return [bytes, bytes.length * 8]
  })
  if (ranges.length === 0) return () => false
  return (ip) => {
    const bytes = addressBytes(ip)
    return bytes !== undefined && ranges.some(([net, bits]) => samePrefix(bytes, net, bits))
  }
}

/**
 * The client address: the socket peer, unless the peer is a trusted proxy, in which
 * case X-Forwarded-For is walked from the right past every trusted hop.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | undefined, trusted: TrustedProxies): string | undefined {
  if (!peer || !forwardedFor || !trusted(peer)) return peer
  let end = forwardedFor.length
  let first: string | undefined
  while (end > 0) {
    const comma = forwardedFor.lastIndexOf(',', end - 1)
    const hop = forwardedFor.slice(comma + 1, end).trim()
    end = comma < 0 ? 0 : comma
    if (!hop) continue
    first = hop
    if (!trusted(hop)) return addressBytes(hop) ? hop : undefined
  }
  return first ?? peer
}
