import ipaddr from 'ipaddr.js'
import { addressBytes, samePrefix, type AddressBytes } from './truncate-ip.ts'

/** Whether an address (text, or bytes already parsed) is one of the trusted proxies. */
export type TrustedProxies = (ip: string | AddressBytes) => boolean

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
    const bytes = typeof ip === 'string' ? addressBytes(ip) : ip
    return bytes !== undefined && ranges.some(([net, bits]) => samePrefix(bytes, net, bits))
  }
}

/** The client's address as sent and as bytes: each candidate is parsed once. */
export interface ClientAddress {
  ip: string
  bytes: AddressBytes
}

/**
 * The client address: the socket peer, unless the peer is a trusted proxy, in which
 * case X-Forwarded-For is walked from the right past every trusted hop. Undefined when
 * that address is not an address.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | undefined, trusted: TrustedProxies): ClientAddress | undefined {
  const peerBytes = peer ? addressBytes(peer) : undefined
  if (!peer || !peerBytes) return undefined
  if (!forwardedFor || !trusted(peerBytes)) return { ip: peer, bytes: peerBytes }
  let end = forwardedFor.length
  let first: ClientAddress | undefined
  while (end > 0) {
    const comma = forwardedFor.lastIndexOf(',', end - 1)
    const hop = forwardedFor.slice(comma + 1, end).trim()
    end = comma < 0 ? 0 : comma
    if (!hop) continue
    const bytes = addressBytes(hop)
    if (!bytes) return undefined
    first = { ip: hop, bytes }
    if (!trusted(bytes)) return first
  }
  return first ?? { ip: peer, bytes: peerBytes }
}
