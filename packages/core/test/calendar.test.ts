import { describe, expect, it } from 'vitest'
import { addDays, addMonths, dayCount, eachDay, monthStart, nextDay, previousDay } from '../src/index.ts'

describe('calendar', () => {
  it('steps over month, year and leap-day boundaries', () => {
    expect(nextDay('2024-02-28')).toBe('2024-02-29')
    expect(nextDay('2026-02-28')).toBe('2026-03-01')
    expect(previousDay('2027-01-01')).toBe('2026-12-31')
    expect(addDays('2026-03-28', 3)).toBe('2026-03-31')
    expect(addDays('2026-11-05', -335)).toBe('2025-12-05')
    expect(addMonths('2026-01', -11)).toBe('2025-02')
    expect(addMonths('2026-12', 1)).toBe('2027-01')
    expect(monthStart('2026-11-23')).toBe('2026-11-01')
  })

  it('counts and lists days, both ends included, across a clock change (days have no zone here)', () => {
    expect(dayCount('2026-03-28', '2026-03-30')).toBe(3)
    expect(dayCount('2026-10-24', '2026-10-26')).toBe(3)
    expect(dayCount('2026-11-20', '2026-11-20')).toBe(1)
    expect(dayCount('2026-11-21', '2026-11-20')).toBe(0)
    expect(eachDay('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'])
    expect(eachDay('2026-11-21', '2026-11-20')).toEqual([])
  })
})
