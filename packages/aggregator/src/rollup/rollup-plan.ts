import type { Site } from '@quiet-analytics/core'
import type { ClickHouseClient } from '@quiet-analytics/store'
import { endOfSiteDay, funnelDefinition } from '@quiet-analytics/core'

export interface LedgerEntry {
  rawRows: number
  closed: boolean
  /** The newest insert time among the rows the last rollup read (epoch ms): later rows are unread. */
  readUntil: number
  /** When the last rollup of this site-day finished, and how long it took. */
  at: number
  durationMs: number
  /** The funnels it computed, as `name:definition`. */
  funnels: string[]
}

/** A site's funnels as the ledger records them: a change to any makes its open days due. */
export function funnelKeys(site: Site): string[] {
  return site.funnels.map((f) => `${f.name}:${funnelDefinition(f)}`).sort()
}

/**
 * An open day is recomputed whole, so a big day is recomputed less often: not again
 * before ten times its last rollup's duration has passed. Small sites roll every tick;
 * a day that took a minute waits ten. Closing rollups are never held back.
 */
export const OPEN_DAY_BACKOFF = 10

export interface PlannedDay {
  day: string
  sites: { site: Site; rawRows: number; readUntil: number; close: boolean }[]
}

/** The last rollup of each site-day: how many raw rows it saw and whether it closed the day. */
export async function readLedger(client: ClickHouseClient): Promise<Map<string, LedgerEntry>> {
  const rows = await (
    await client.query({
      query: `SELECT site_id, toString(day) AS day, argMax(raw_rows, at) AS raw_rows, max(closed) AS closed,
                     toUnixTimestamp64Milli(max(at)) AS last_at, argMax(duration_ms, at) AS duration_ms,
                     toUnixTimestamp64Milli(argMax(read_until, at)) AS read_until, argMax(funnels, at) AS funnels
              FROM rollup_log GROUP BY site_id, day`,
      format: 'JSONEachRow',
    })
  ).json<{ site_id: string; day: string; raw_rows: string; closed: number; last_at: string; duration_ms: number; read_until: string; funnels: string[] }>()
  return new Map(
    rows.map((r) => [
      `${r.site_id}|${r.day}`,
      { rawRows: Number(r.raw_rows), closed: r.closed === 1, readUntil: Number(r.read_until), at: Number(r.last_at), durationMs: Number(r.duration_ms), funnels: [...r.funnels].sort() },
    ]),
  )
}

/** Raw row counts per site-local day, and the newest insert among them: what a rollup now reads. */
export async function rawDays(client: ClickHouseClient, site: Site): Promise<Map<string, { rows: number; readUntil: number }>> {
  const rows = await (
    await client.query({
      query: `SELECT toString(toDate(ts, {tz:String})) AS day, count() AS n, toUnixTimestamp64Milli(max(inserted_at)) AS read_until
              FROM raw_hits WHERE site_id = {site:String} GROUP BY day`,
      query_params: { site: site.id, tz: site.timezone },
      format: 'JSONEachRow',
    })
  ).json<{ day: string; n: string; read_until: string }>()
  return new Map(rows.map((r) => [r.day, { rows: Number(r.n), readUntil: Number(r.read_until) }]))
}

/** Why a site-day with raw rows is, or is not, rolled up now. */
export type RollupDecision =
  | { due: true; site: Site; day: string; rawRows: number; readUntil: number; close: boolean }
  | { due: false; site: Site; day: string; why: 'closed' | 'unchanged' | 'backoff'; lastAt: number }

/**
 * Which site-days need a rollup: those whose raw row count changed since their last
 * rollup, and those whose day has ended (plus the close delay) and are not yet closed.
 * Closed days are never recomputed: their raw rows may already be gone, and rows that
 * arrive for them later are late (counted at purge, never aggregated). `force`
 * recomputes open days whose rows did not change; so does a funnel added or changed.
 */
export async function decideRollups(
  client: ClickHouseClient,
  sites: readonly Site[],
  now: number,
  closeAfterMs: number,
  only?: { days?: ReadonlySet<string>; force?: boolean },
): Promise<RollupDecision[]> {
  const [ledger, ...raw] = await Promise.all([readLedger(client), ...sites.map((site) => rawDays(client, site))])
  const decisions: RollupDecision[] = []
  for (const [i, site] of sites.entries()) {
    for (const [day, { rows: rawRows, readUntil }] of raw[i]!) {
      if (only?.days && !only.days.has(day)) continue
      const last = ledger.get(`${site.id}|${day}`)
      if (last?.closed) {
        decisions.push({ due: false, site, day, why: 'closed', lastAt: last.at })
        continue
      }
      const close = now >= endOfSiteDay(day, site.timezone) + closeAfterMs
      // A funnel added or changed since: its open days are computed again at once, whatever their size.
      const funnelsChanged = last !== undefined && funnelKeys(site).join('\n') !== last.funnels.join('\n')
      if (funnelsChanged) decisions.push({ due: true, site, day, rawRows, readUntil, close })
      else if (!only?.force && last && !close && last.rawRows === rawRows) decisions.push({ due: false, site, day, why: 'unchanged', lastAt: last.at })
      else if (!only?.force && last && !close && now - last.at < OPEN_DAY_BACKOFF * last.durationMs) decisions.push({ due: false, site, day, why: 'backoff', lastAt: last.at })
      else decisions.push({ due: true, site, day, rawRows, readUntil, close })
    }
  }
  return decisions
}

/** The site-days due, grouped by day, oldest first. */
export function planOf(decisions: readonly RollupDecision[]): PlannedDay[] {
  const byDay = new Map<string, PlannedDay>()
  for (const d of decisions) {
    if (!d.due) continue
    const planned = byDay.get(d.day) ?? { day: d.day, sites: [] }
    planned.sites.push({ site: d.site, rawRows: d.rawRows, readUntil: d.readUntil, close: d.close })
    byDay.set(d.day, planned)
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day))
}

/** The planned days grouped by calendar month, oldest first (the plan is sorted by day). */
export function byMonth(plan: readonly PlannedDay[]): PlannedDay[][] {
  const months = new Map<string, PlannedDay[]>()
  for (const day of plan) {
    const month = day.day.slice(0, 7)
    const days = months.get(month)
    if (days) days.push(day)
    else months.set(month, [day])
  }
  return [...months.values()]
}

export async function logRollup(client: ClickHouseClient, at: number, day: PlannedDay, durationMs: number): Promise<void> {
  await client.insert({
    table: 'rollup_log',
    values: day.sites.map((s) => ({ at, site_id: s.site.id, day: day.day, raw_rows: s.rawRows, closed: s.close ? 1 : 0, duration_ms: Math.round(durationMs), read_until: s.readUntil, funnels: funnelKeys(s.site) })),
    format: 'JSONEachRow',
  })
}
