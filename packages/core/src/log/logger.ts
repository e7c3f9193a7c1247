import { pino, type Logger } from 'pino'
import { maskIpText } from '../privacy/mask-ip-text.ts'

export type { Logger }

/** Keys whose values never reach a log line, at any depth. */
const SECRET_KEYS = new Set(['ip', 'peer', 'remoteaddress', 'useragent', 'user-agent', 'ua', 'headers', 'body', 'event', 'cookie', 'authorization', 'password', 'x-forwarded-for'])
const USER_AGENT = /Mozilla\/\d\.\d[^"\n]*|\b(?:AppleWebKit|Gecko|Chrome|Firefox|Safari)\/[\d.]+[^"\n]*/g

/** Masks addresses and user-agent strings inside free text. */
function maskLogText(text: string): string {
  return maskIpText(text).replace(USER_AGENT, '[user-agent]')
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskLogText(value)
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : scrub(v, depth + 1)
  return out
}

/**
 * A pino logger that cannot write an IP address or a user-agent by mistake: known keys
 * are censored at any depth, and addresses or user-agent strings inside any logged
 * string (messages included) are masked.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: undefined,
    formatters: { log: (obj: Record<string, unknown>) => scrub(obj) as Record<string, unknown> },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? maskLogText(a) : a)))
      },
    },
  }
  return destination ? pino(options, destination as never) : pino(options)
}
