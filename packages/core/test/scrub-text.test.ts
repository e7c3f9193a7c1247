import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { REDACTED, routingFragment, scrubText } from '../src/index.ts'
import { PII } from '../../../test/fixtures/pii.ts'

const surrounding = fc.stringMatching(/^[a-z/ ._-]{0,12}$/)

describe('scrubText', () => {
  it('leaves ordinary paths, names and tags as they are', () => {
    for (const text of ['/pricing', '/blog/2024/11/my-post', '/download/v1.2.3/file-10.15', 'Outbound Link: Click', 'Signup', 'newsletter-2024-q4', '/p/12345', 'My-Post-Title-For-2024-And-Beyond-Extra', '/orders/1234567'])
      expect(scrubText(text), text).toBe(text)
  })

  it('redacts every shape of personal data wherever it sits in the text', () => {
    fc.assert(
      fc.property(surrounding, PII, surrounding, (before, pii, after) => {
        const out = scrubText(`${before} ${pii} ${after}`)
        expect(out).toContain(REDACTED)
        expect(out).not.toContain(pii)
        const encoded = scrubText(`${before}/${encodeURIComponent(pii)}/${after}`)
        expect(encoded).not.toContain(pii)
        expect(encoded).not.toContain(encodeURIComponent(pii))
      }),
      { numRuns: 500, seed: 12 },
    )
  })

  it('drops control characters', () => {
    expect(scrubText('/a\u0000b\u001f\u007fc\u0085')).toBe('/abc')
  })

  it('keeps only the routing part of a fragment', () => {
    expect(routingFragment('#/pricing')).toBe('#/pricing')
    expect(routingFragment('#/pricing?tab=annual')).toBe('#/pricing')
    expect(routingFragment('#access_token=eyJabc.def.ghi&token_type=bearer')).toBe('')
    expect(routingFragment('#/callback/code=abc123')).toBe('#/callback/')
    expect(routingFragment('#/users/dave@example.com')).toBe(`#/users/${REDACTED}`)
    expect(routingFragment('#')).toBe('')
  })
})
