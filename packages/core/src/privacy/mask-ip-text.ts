import { isIpAddress } from './truncate-ip.ts'

const IPV4 = /(?<![0-9.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![0-9.])/g
const IPV6_CANDIDATE = /[0-9A-Fa-f:.]{7,45}/g
const MAYBE_IP = /\d\.\d+\.\d|:/

/**
 * Replaces IP addresses inside free text (paths, hosts, prop values) with a marker, so
 * an address typed into a URL or a prop never reaches storage. The audit searches the
 * store with the same shapes.
 */
export function maskIpText(text: string, marker = '(ip)'): string {
  // Most paths and props hold neither a dotted quad nor a colon: skip the regexes.
  if (!MAYBE_IP.test(text)) return text
  return text.replace(IPV6_CANDIDATE, (m) => (m.includes(':') && isIpAddress(m) ? marker : m)).replace(IPV4, marker)
}
