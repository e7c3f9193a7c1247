import { endOfSiteDay, nextDay, siteDay, type Site } from '@quiet-analytics/core'
import { type ClickHouseClient, type SaltStore } from '@quiet-analytics/store'

export interface SaltChanges {
  created: { siteId: string; day: string }[]
  destroyed: { siteId: string; day: string }[]
}

/** When a site-day's salt must be gone: the end of its day plus the grace. */
export function saltExpiry(day: string, site: Pick<Site, 'timezone'>, graceMs: number): number {
  return endOfSiteDay(day, site.timezone) + graceMs
}

/**
 * The salt lifecycle, owned here: today's and tomorrow's salt exist for every site,
 * and a salt is destroyed once its day has ended plus the grace. A day whose salts
 * have all expired goes with DROP PARTITION; a site whose day ended earlier than the
 * others' (time zones) loses its row by a synchronous delete mutation, which rewrites
 * the part without it.
 */
export async function maintainSalts(
  client: ClickHouseClient,
  salts: SaltStore,
  sites: readonly Site[],
  now: number,
  graceMs: number,
): Promise<SaltChanges> {
  const changes: SaltChanges = { created: [], destroyed: [] }
  for (const site of sites) {
    const today = siteDay(now, site.timezone)
    for (const day of [today, nextDay(today)]) {
      if ((await salts.ensure(site.id, day, 'aggregator')).created) changes.created.push({ siteId: site.id, day })
    }
  }
  const bySite = new Map(sites.map((s) => [s.id, s]))
  const byDay = new Map<string, { siteId: string; expired: boolean }[]>()
  for (const { siteId, day } of await salts.days()) {
    // A salt of a site no longer configured expires as if the site were on UTC.
    const expired = now >= saltExpiry(day, bySite.get(siteId) ?? { timezone: 'UTC' }, graceMs)
    byDay.set(day, [...(byDay.get(day) ?? []), { siteId, expired }])
  }
  for (const [day, entries] of byDay) {
    const expired = entries.filter((e) => e.expired)
    if (expired.length === 0) continue
    if (expired.length === entries.length) {
      await client.command({ query: 'ALTER TABLE salts DROP PARTITION {day:Date}', query_params: { day } })
    } else {
      await client.command({
        query: 'ALTER TABLE salts DELETE WHERE day = {day:Date} AND site_id IN {sites:Array(String)} SETTINGS mutations_sync = 2',
        query_params: { day, sites: expired.map((e) => e.siteId) },
      })
    }
    changes.destroyed.push(...expired.map((e) => ({ siteId: e.siteId, day })))
  }
  // Creations are logged by the salt store, whoever makes them.
  if (changes.destroyed.length > 0) {
    await client.insert({ table: 'salt_log', values: changes.destroyed.map((d) => ({ at: now, site_id: d.siteId, day: d.day, action: 'destroyed', actor: 'aggregator' })), format: 'JSONEachRow' })
  }
  return changes
}
