import { describe, expect, it } from 'vitest'
import { endOfSiteDay, nextDay, siteDay, startOfSiteDay, zoneOffsetMs } from '../src/index.ts'

const HOUR = 3_600_000
const days = (from: string, to: string) => {
  const out: string[] = []
  for (let d = from; d <= to; d = nextDay(d)) out.push(d)
  return out
}

describe('site days', () => {
  it('begin at the first moment of the day where midnight does not exist (DST at midnight)', () => {
    // Santiago springs forward at 00:00 on 2026-09-06: the day begins at 01:00 -03.
    expect(new Date(startOfSiteDay('2026-09-06', 'America/Santiago')).toISOString()).toBe('2026-09-06T04:00:00.000Z')
    expect(siteDay(Date.parse('2026-09-06T03:30:00Z'), 'America/Santiago')).toBe('2026-09-05')
    // Havana springs forward at 00:00 on 2026-03-08.
    expect(endOfSiteDay('2026-03-07', 'America/Havana') - startOfSiteDay('2026-03-07', 'America/Havana')).toBe(24 * HOUR)
    expect(endOfSiteDay('2026-03-08', 'America/Havana') - startOfSiteDay('2026-03-08', 'America/Havana')).toBe(23 * HOUR)
    // Santiago falls back at 00:00 on 2026-04-05: the day before has 25 hours.
    expect(endOfSiteDay('2026-04-04', 'America/Santiago') - startOfSiteDay('2026-04-04', 'America/Santiago')).toBe(25 * HOUR)
  })

  // Every zone Intl knows, every day of 2020-2030: consecutive days tile the timeline
  // (a day ends where the next begins, by construction), each begins on its own date,
  // the instant before it is the day before, and each contains its local noon.
  it('tile the timeline in every IANA zone over 2020-2030', () => {
    const zones = Intl.supportedValuesOf('timeZone')
    expect(zones.length).toBeGreaterThan(300)
    const all = days('2020-01-01', '2030-12-31')
    const bad: string[] = []
    for (const zone of zones) {
      const local = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
      const dateOf = (t: number) => local.format(t).slice(0, 10)
      let start = startOfSiteDay(all[0]!, zone)
      for (const day of all) {
        const end = startOfSiteDay(nextDay(day), zone)
        const hours = (end - start) / HOUR
        if (dateOf(start) !== day || dateOf(start - 1) >= day) bad.push(`${zone} ${day}: begins ${new Date(start).toISOString()}`)
        // Where a transition touches the day (Antarctic stations move by two or three hours), its local noon must still be inside it.
        if (hours !== 24) {
          const noonUtc = Date.parse(`${day}T12:00:00Z`)
          const noon = noonUtc - zoneOffsetMs(noonUtc - zoneOffsetMs(noonUtc, zone), zone)
          if (local.format(noon) !== `${day}, 12` || noon < start || noon >= end) bad.push(`${zone} ${day}: noon ${new Date(noon).toISOString()} outside ${hours} h`)
        }
        start = end
      }
    }
    expect(bad.slice(0, 10)).toEqual([])
  }, 120_000)
})
