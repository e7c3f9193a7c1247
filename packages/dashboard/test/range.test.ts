import { describe, expect, it } from 'vitest'
import { periodRange, previousRange, wholeMonths } from '../src/stats/range.ts'

describe('ranges', () => {
  const now = Date.parse('2026-11-20T12:00:00Z')
  it('resolves periods in the site time zone', () => {
    expect(periodRange({ period: '7d' }, now, 'UTC')).toEqual({ from: '2026-11-14', to: '2026-11-20', days: 7 })
    expect(periodRange({ period: 'month' }, now, 'UTC')).toEqual({ from: '2026-11-01', to: '2026-11-20', days: 20 })
    expect(periodRange({ period: '12mo' }, now, 'UTC').from).toBe('2025-12-01')
    expect(periodRange({ period: 'today' }, Date.parse('2026-11-20T23:30:00Z'), 'Europe/Berlin').from).toBe('2026-11-21')
    expect(previousRange({ from: '2026-11-14', to: '2026-11-20', days: 7 })).toEqual({ from: '2026-11-07', to: '2026-11-13', days: 7 })
  })
  it('splits a range into whole months and leftover days', () => {
    expect(wholeMonths({ from: '2025-12-01', to: '2026-11-20', days: 355 })).toEqual({ monthFrom: '2025-12-01', monthTo: '2026-10-01' })
    expect(wholeMonths({ from: '2026-09-30', to: '2026-11-01', days: 33 })).toEqual({ monthFrom: '2026-10-01', monthTo: '2026-10-01' })
    expect(wholeMonths({ from: '2026-10-01', to: '2026-10-31', days: 31 })).toEqual({ monthFrom: '2026-10-01', monthTo: '2026-10-01' })
    const none = wholeMonths({ from: '2026-11-14', to: '2026-11-20', days: 7 })
    expect(none.monthFrom > none.monthTo).toBe(true)
  })
})
