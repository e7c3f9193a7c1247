import { describe, expect, it } from 'vitest'
import type { Funnel } from '@quiet-analytics/core'
import { funnelsParams, funnelsSql } from '../src/rollup/funnel-sql.ts'

const A: Funnel = { name: 'A', order: 'eventually', steps: [{ page: '/pricing' }, { page: '/blog/*' }, { event: 'Signup', property: { key: 'plan', value: 'pro' } }] }
const B: Funnel = { name: 'B', order: 'directly', steps: [{ page: '/x.y' }, { event: 'Go' }] }

describe('funnel SQL builder (pure)', () => {
  it('lays every step of every funnel out in one flat list, funnel after funnel', () => {
    const p = funnelsParams([A, B])
    expect(p.funnel_names).toEqual(['A', 'B'])
    expect((p.funnel_definitions as string[]).every((d) => /^[\w-]{16}$/.test(d))).toBe(true)
    expect(p.step_events).toEqual(['', '', 'Signup', '', 'Go'])
    expect(p.step_pages).toEqual(['^/pricing$', '^/blog/.*$', '', '^/x\\.y$', ''])
    expect(p.step_keys).toEqual(['', '', 'plan', '', ''])
    expect(p.step_values).toEqual(['', '', 'pro', '', ''])
  })

  it("walks each funnel over its own matches: the second funnel's steps start after the first's", () => {
    const sql = funnelsSql([A, B], ['source'])
    expect(sql).toContain('range(1, 6)')
    expect(sql).toContain('arrayFirstIndex(h -> h.2[1], hits) AS f0p1')
    expect(sql).toContain('h.2[3], hits, arrayEnumerate(hits))) AS f0p3')
    // B's steps are matches 4 and 5; step 2's column is shifted by one hit.
    expect(sql).toContain('arrayResize(arraySlice(arrayMap(h -> h.2[4], hits), 1), length(hits), 0)')
    expect(sql).toContain('arrayResize(arraySlice(arrayMap(h -> h.2[5], hits), 2), length(hits), 0)')
    expect(sql).toContain('AS f1p2')
    expect(sql).not.toContain('f1p3')
    expect(sql).toContain("tuple('source', ")
    // Values travel as parameters, never in the text.
    expect(sql).not.toMatch(/pricing|Signup|plan/)
  })
})
