import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { minifyTracker, TRACKER_MINIFIED } from '../../../scripts/minify-tracker.ts'

describe('the committed minified tracker', () => {
  it('is the minified form of tracker.js (run `pnpm build:tracker` after changing it)', () => {
    expect(readFileSync(TRACKER_MINIFIED, 'utf8')).toBe(minifyTracker())
  })
})
