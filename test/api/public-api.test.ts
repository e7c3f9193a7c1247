import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/**
 * What each package exports at run time, pinned: a name that appears or disappears here
 * is a change of the public API (semver), made on purpose by updating public-api.json.
 * Types are pinned by the compiler: every consumer in this repository type-checks.
 */
const PINNED = JSON.parse(readFileSync(new URL('./public-api.json', import.meta.url), 'utf8')) as Record<string, string[]>

describe('public API', () => {
  for (const name of Object.keys(PINNED)) {
    it(`${name} exports exactly the pinned names`, async () => {
      const module = (await import(name)) as Record<string, unknown>
      expect(Object.keys(module).sort()).toEqual(PINNED[name])
    })
  }
})
