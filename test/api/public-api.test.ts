import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { apiReport, REPORT_FILE, runtimeNames, type ApiReport } from './api-report.ts'

/**
 * The public API, pinned: an export that appears, disappears or changes its type is a
 * change of the public API (semver, CHANGELOG.md), made on purpose with `pnpm api:update`.
 */
const PINNED = JSON.parse(readFileSync(REPORT_FILE, 'utf8')) as ApiReport

describe('public API', () => {
  it('every package exports exactly the pinned names and types (`pnpm api:update` after a deliberate change)', () => {
    expect(apiReport()).toEqual(PINNED)
  })

  for (const name of Object.keys(PINNED)) {
    it(`${name} exports at run time exactly the pinned values`, async () => {
      const module = (await import(name)) as Record<string, unknown>
      expect(Object.keys(module).sort()).toEqual(runtimeNames(PINNED[name]!))
    })
  }
})
