import { maskIpText } from './mask-ip-text.ts'

/** What every redacted span of a stored value reads as. */
export const REDACTED = '(redacted)'

// Control characters (C0, DEL, C1): never meaningful in a path, a name or a tag; matching them is the point.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g
const EMAIL = /[^\s@/?#&=:;,<>()[\]"']+@[^\s@/?#&=:;,<>()[\]"']+\.[a-z]{2,}/gi
// An IPv4 address written dotted or dashed, octets zero-padded or not, a trailing dot allowed.
const QUAD = /(?<![0-9A-Za-z])(\d{1,3})([.-])(\d{1,3})\2(\d{1,3})\2(\d{1,3})(?![0-9]|[.-]\d)/g
// The same 32 bits as one integer or one hex number.
const INT32 = /(?<![0-9A-Za-z.])\d{8,10}(?![0-9A-Za-z])/g
const HEX32 = /(?<![0-9A-Za-z])0x[0-9a-f]{8}(?![0-9A-Za-z])/gi
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g
// Long runs that may be random: 32+ hex digits or base64url characters.
const TOKEN = /[A-Za-z0-9_-]{32,}/g
// Only text holding one of these shapes can need the passes below (IPv6, the one shape
// with a colon, is maskIpText's, which checks for itself): URLs and names stay cheap.
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u001f\u007f-\u009f@]|\d{1,3}[.-]\d|\d{8}|0x|eyJ|[A-Za-z0-9_-]{32}/

const isOctet = (s: string) => Number(s) <= 255
const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0
/** Hex, or mixed case and digits with few separators: a slug ("My-Post-Title-2024") has a separator every few letters. */
const looksRandom = (s: string) =>
  /^[0-9a-f]+$/i.test(s) || (count(s, /[a-z]/g) >= 4 && count(s, /[A-Z]/g) >= 4 && count(s, /\d/g) >= 4 && count(s, /[-_]/g) <= s.length / 8)

/**
 * The one scrubber for every free-text value that reaches the store: paths, fragments,
 * campaign tags, referrer hosts, event names, prop keys and values, imported rows. It
 * reads percent-encoded text decoded, drops control characters and replaces e-mail
 * addresses, IP addresses in every textual form (dotted, zero-padded, dashed, hex, 32-bit integers, IPv6) and long
 * random-looking tokens (JWTs, 32+ hex or base64url characters) by `(redacted)`.
 */
export function scrubText(text: string): string {
  // Percent-encoding hides "@" and ":" from every shape below: what is stored is read decoded.
  if (text.includes('%')) text = percentDecoded(text)
  if (!SUSPECT.test(text)) return maskIpText(text, REDACTED)
  return maskIpText(text.replace(CONTROL, ''), REDACTED)
    .replace(EMAIL, REDACTED)
    .replace(JWT, REDACTED)
    .replace(TOKEN, (m) => (looksRandom(m) ? REDACTED : m))
    .replace(QUAD, (m, a: string, _sep: string, b: string, c: string, d: string) => ([a, b, c, d].every(isOctet) ? REDACTED : m))
    .replace(HEX32, REDACTED)
    .replace(INT32, (m) => (Number(m) >= 2 ** 24 && Number(m) < 2 ** 32 ? REDACTED : m))
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text.replace(/%[0-9A-Fa-f]{2}/g, (m) => {
      const c = Number.parseInt(m.slice(1), 16)
      return c < 0x80 ? String.fromCharCode(c) : m
    })
  }
}

/**
 * The routing part of a URL fragment (`#/pricing` of `#/pricing?tab=1`), for sites that
 * route by hash: parameters are cut, and a fragment that is only parameters (an OAuth
 * `#access_token=...&state=...`) keeps nothing.
 */
export function routingFragment(hash: string): string {
  const body = hash.startsWith('#') ? hash.slice(1) : hash
  const cut = body.search(/[?&=;]/)
  if (cut < 0) return body ? `#${scrubText(body)}` : ''
  let route = body.slice(0, cut)
  // "access_token=..." or "/cb/code=...": the word before "=" is a parameter name, not a route.
  if (body[cut] === '=') route = route.slice(0, route.lastIndexOf('/') + 1)
  return route ? `#${scrubText(route)}` : ''
}
