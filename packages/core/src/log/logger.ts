import { pino, type Logger } from 'pino'

export type { Logger }

/**
 * Paths pino censors wherever they appear: an IP or a user-agent can't reach a log
 * line by mistake, even inside a logged request or error.
 */
export const REDACT_PATHS = [
  'ip',
  '*.ip',
  'peer',
  '*.peer',
  'userAgent',
  '*.userAgent',
  'ua',
  '*.ua',
  'headers',
  '*.headers',
  'req.headers',
  'req.remoteAddress',
  'body',
  '*.body',
  'event',
  '*.event',
]

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined }
  return destination ? pino(options, destination as never) : pino(options)
}
