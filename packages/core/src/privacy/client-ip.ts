import ipaddr from 'ipaddr.js'
import { isIpAddress } from './truncate-ip.ts'

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number]

export type TrustedProxies = (ip: string) => boolean

/** Compiles a list of addresses and CIDRs into a membership test. */
export function trustedProxyMatcher(list: readonly string[]): TrustedProxies {
  const ranges: Range[] = list.map((entry) => {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry)
    const addr = ipaddr.process(entry)
    return [addr, addr.kind() === 'ipv4' ? 32 : 128]
  })
  if (ranges.length === 0) return () => false
  // Peers are a handful of proxies: remember their verdicts (bounded, cleared when full).
  const seen = new Map<string, boolean>()
  return (ip) => {
    const known = seen.get(ip)
    if (known !== undefined) return known
    const trusted = isIpAddress(ip) && ranges.some(([net, bits]) => {
      const addr = ipaddr.process(ip)
      return net.kind() === addr.kind() && addr.match(net, bits)
    })
    if (seen.size >= 1024) seen.clear()
    seen.set(ip, trusted)
    return trusted
  }
}

/**
 * The client address: the socket peer, unless the peer is a trusted proxy, in which
 * case X-Forwarded-For is walked from the right past every trusted hop.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | undefined, trusted: TrustedProxies): string | undefined {
  if (!peer || !trusted(peer) || !forwardedFor) return peer
  const hops = forwardedFor.split(',').map((h) => h.trim()).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!
    if (!trusted(hop)) return isIpAddress(hop) ? hop : undefined
  }
  return hops[0] ?? peer
}
