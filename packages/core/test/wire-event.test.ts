import { describe, expect, it } from 'vitest'
import { normaliseWireKeys } from '../src/event/wire-event.ts'

describe('normaliseWireKeys', () => {
  it('maps the long field names of other trackers to the short ones', () => {
    expect(normaliseWireKeys({ name: 'pageview', url: 'https://x.example/', domain: 'x.example', screen_width: 1280, props: { a: '1' } })).toEqual({
      n: 'pageview',
      u: 'https://x.example/',
      d: 'x.example',
      w: 1280,
      p: { a: '1' },
    })
  })

  it('validates a short-named event as it came, without a copy', () => {
    const body = { n: 'pageview', u: 'https://x.example/', d: 'x.example' }
    expect(normaliseWireKeys(body)).toBe(body)
  })

  it('keeps a key named like an Object.prototype member as it is', () => {
    expect(Object.keys(normaliseWireKeys({ url: 'https://x.example/', constructor: 1, toString: 2 }) as object).sort()).toEqual(['constructor', 'toString', 'u'])
  })
})
