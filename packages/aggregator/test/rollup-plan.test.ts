import { describe, expect, it } from 'vitest'
import { byMonth, type PlannedDay } from '../src/rollup/rollup-plan.ts'

const day = (d: string): PlannedDay => ({ day: d, sites: [] })

describe('byMonth (pure)', () => {
  it('groups a sorted plan into calendar months, so each month is rebuilt once after all its days', () => {
    const plan = ['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02', '2027-01-05'].map(day)
    expect(byMonth(plan).map((m) => m.map((d) => d.day))).toEqual([['2026-10-30', '2026-10-31'], ['2026-11-01', '2026-11-02'], ['2027-01-05']])
    expect(byMonth([])).toEqual([])
  })
})
