/**
 * Calendar arithmetic on YYYY-MM-DD days and YYYY-MM months, with no time zone: what a
 * day *is* in a site's zone is site-day.ts's question; how days follow one another is
 * this module's. Days are computed on UTC dates, which have no clock changes.
 */
const DAY_MS = 86_400_000

const at = (day: string) => Date.parse(`${day}T00:00:00Z`)
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export function addDays(day: string, n: number): string {
  return iso(at(day) + n * DAY_MS)
}

/** The day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  return addDays(day, 1)
}

/** The day before a YYYY-MM-DD day. */
export function previousDay(day: string): string {
  return addDays(day, -1)
}

/** How many days from `from` to `to`, both included (0 when `to` is earlier). */
export function dayCount(from: string, to: string): number {
  return Math.max(0, Math.round((at(to) - at(from)) / DAY_MS) + 1)
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  return Array.from({ length: dayCount(from, to) }, (_, i) => addDays(from, i))
}

/** A YYYY-MM month `n` months later (or earlier). */
export function addMonths(month: string, n: number): string {
  const d = new Date(`${month}-01T00:00:00Z`)
  d.setUTCMonth(d.getUTCMonth() + n)
  return d.toISOString().slice(0, 7)
}

/** The first day of a day's month. */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`
}
