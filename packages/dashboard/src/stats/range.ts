import { addDays, addMonths, dayCount, monthStart, nextDay, previousDay, siteDay } from '@quiet-analytics/core'
import type { StatsParams } from './params.ts'

export interface DayRange {
  from: string
  to: string
  days: number
}

/** The inclusive site-local day range of a period, as of `now` in the site's zone. */
export function periodRange(p: Pick<StatsParams, 'period' | 'from' | 'to'>, now: number, timeZone: string): DayRange {
  const today = siteDay(now, timeZone)
  const range = (from: string, to: string) => ({ from, to, days: dayCount(from, to) })
  switch (p.period) {
    case 'today':
      return range(today, today)
    case 'yesterday':
      return range(previousDay(today), previousDay(today))
    case '7d':
      return range(addDays(today, -6), today)
    case '30d':
      return range(addDays(today, -29), today)
    case 'month':
      return range(monthStart(today), today)
    case '12mo':
      return range(`${addMonths(today.slice(0, 7), -11)}-01`, today)
    case 'custom':
      return range(p.from!, p.to!)
  }
}

/** The period of equal length just before. */
export function previousRange(r: DayRange): DayRange {
  const to = previousDay(r.from)
  return { from: addDays(to, -(r.days - 1)), to, days: r.days }
}

/**
 * The whole calendar months inside a range (first and last month start), read from the
 * monthly tables; the days outside them come from the daily tables. None: an empty span.
 */
export function wholeMonths(r: DayRange): { monthFrom: string; monthTo: string } {
  const none = { monthFrom: '2999-01-01', monthTo: '1970-01-01' }
  const firstStart = r.from.endsWith('-01') ? r.from : `${addMonths(r.from.slice(0, 7), 1)}-01`
  const afterTo = nextDay(r.to)
  const lastStart = afterTo.endsWith('-01') ? `${addMonths(r.to.slice(0, 7), 0)}-01` : `${addMonths(r.to.slice(0, 7), -1)}-01`
  return firstStart <= lastStart ? { monthFrom: firstStart, monthTo: lastStart } : none
}
