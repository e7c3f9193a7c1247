import { nextDay } from './calendar.ts'

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    formatters.set(timeZone, f)
  }
  return f
}

const lastDay = new Map<string, { day: string; start: number; end: number }>()

/** The calendar day (YYYY-MM-DD) of an instant in a site's time zone: the salt's day. */
export function siteDay(epochMs: number, timeZone: string): string {
  // The hot path asks for the current day on every event: answer from the last day's bounds.
  const last = lastDay.get(timeZone)
  if (last && epochMs >= last.start && epochMs < last.end) return last.day
  const day = formatterFor(timeZone).format(epochMs)
  lastDay.set(timeZone, { day, start: startOfSiteDay(day, timeZone), end: endOfSiteDay(day, timeZone) })
  return day
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>()

/** Offset of a time zone from UTC at an instant, in ms (Berlin in winter: +3600000). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    offsetFormatters.set(timeZone, f)
  }
  const p = Object.fromEntries(f.formatToParts(epochMs).map((x) => [x.type, Number(x.value)]))
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!)
  return asUtc - Math.floor(epochMs / 1000) * 1000
}

/**
 * The UTC instant at which a site-local day (YYYY-MM-DD) begins: its first moment on the
 * wall clock. Usually midnight; where the clocks spring forward at midnight (Santiago,
 * Havana) midnight does not exist and the day begins at the jump, an hour later; where
 * they fall back at midnight, the day before has 25 hours and this day begins once.
 */
export function startOfSiteDay(day: string, timeZone: string): number {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`)
  const dayAt = (t: number) => formatterFor(timeZone).format(t)
  const starts = (t: number) => dayAt(t) === day && dayAt(t - 1) < day
  const guess = midnightUtc - zoneOffsetMs(midnightUtc, timeZone)
  if (starts(guess)) return guess
  // The offset in force at the first guess, for a change between UTC midnight and local midnight.
  const second = midnightUtc - zoneOffsetMs(guess, timeZone)
  if (starts(second)) return second
  // Near a transition: the first instant whose local day is this one. Local days never
  // run backwards across a day boundary, and offsets lie within a day of UTC.
  let lo = midnightUtc - 26 * 3_600_000
  let hi = midnightUtc + 26 * 3_600_000
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (dayAt(mid) >= day) hi = mid
    else lo = mid
  }
  return hi
}

/** The UTC instant at which a site-local day ends (the next day's start). */
export function endOfSiteDay(day: string, timeZone: string): number {
  return startOfSiteDay(nextDay(day), timeZone)
}
