import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { transformSync } from 'esbuild'

export interface TrackerScript {
  source: Buffer
  gzipped: Buffer
  etag: string
}

/** The tracker, minified once at startup and kept with its gzip form. */
export function loadTrackerScript(): TrackerScript {
  const file = new URL('../tracker/tracker.js', import.meta.url)
  const { code } = transformSync(readFileSync(file, 'utf8'), { minify: true, target: 'es2017', legalComments: 'none' })
  const source = Buffer.from(code)
  return {
    source,
    gzipped: gzipSync(source, { level: 9 }),
    etag: `"${createHash('sha256').update(source).digest('base64url').slice(0, 16)}"`,
  }
}
