import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'

export interface TrackerScript {
  source: Buffer
  gzipped: Buffer
  etag: string
}

/** The tracker, minified at build time (tracker.min.js), read once at startup and kept with its gzip form. */
export function loadTrackerScript(): TrackerScript {
  const source = readFileSync(new URL('../tracker/tracker.min.js', import.meta.url))
  return {
    source,
    gzipped: gzipSync(source, { level: 9 }),
    etag: `"${createHash('sha256').update(source).digest('base64url').slice(0, 16)}"`,
  }
}
