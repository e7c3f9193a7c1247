/**
 * The tracker is served minified. The minified file is committed beside its source, so
 * the collector needs no bundler at run time (and an installed collector does not carry
 * one); `pnpm build:tracker` writes it, and a test fails while it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'

export const TRACKER_SOURCE = new URL('../packages/collector/tracker/tracker.js', import.meta.url)
export const TRACKER_MINIFIED = new URL('../packages/collector/tracker/tracker.min.js', import.meta.url)

export function minifyTracker(): string {
  return transformSync(readFileSync(TRACKER_SOURCE, 'utf8'), { minify: true, target: 'es2017', legalComments: 'none' }).code
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(TRACKER_MINIFIED, minifyTracker())
