import { endOfSiteDay, siteDay, startOfSiteDay, type IngestDropReason, type Site } from '@quiet-analytics/core'
import { alterTarget, type ClickHouseClient } from '@quiet-analytics/store'
import { readLedger } from '../rollup/rollup-plan.ts'

export interface PurgedPartition {
  partitionId: string
  rows: number
  reason: 'rolled_up' | 'ttl' | 'detached'
  neverRolledRows: number
}

interface Slice {
  pid: string
  site_id: string
  slice: string
  n: string
  late: string
}

const HOUR = 3_600_000

/**
 * Drops raw partitions (one UTC hour each). A partition goes once every site-day it
 * holds has been closed by its final rollup; and, whatever its state, once the whole
 * hour is older than the raw TTL. Either way every row no rollup read is counted in the
 * log as never rolled up: rows of days not closed (at the TTL), and late rows, which
 * arrived for a closed day after its closing rollup read it (also counted in
 * ingest_drops as `late`). Rows of unknown sites are never rolled up and wait for the TTL.
 */
export async function purgeRaw(
  client: ClickHouseClient,
  sites: readonly Site[],
  now: number,
  rawTtlMs: number,
  opts: { dryRun?: boolean; cluster?: string } = {},
): Promise<PurgedPartition[]> {
  const ledger = await readLedger(client)
  // Closed site-days and what their closing rollup read: rows inserted later are late.
  const closed = [...ledger.entries()].filter(([, e]) => e.closed).map(([key, e]) => ({ siteId: key.split('|')[0]!, day: key.split('|')[1]!, readUntil: e.readUntil }))
  const known = closed.flatMap((c) => {
    const site = sites.find((s) => s.id === c.siteId)
    return site ? [{ ...c, from: startOfSiteDay(c.day, site.timezone), to: endOfSiteDay(c.day, site.timezone) }] : []
  })
  // Quarter-hour slices: every time zone offset is a multiple of 15 minutes, so a
  // slice lies within one site-local day.
  const slices = await (
    await client.query({
      query: `SELECT _partition_id AS pid, site_id, toString(toUnixTimestamp(toStartOfFifteenMinutes(ts))) AS slice, count() AS n,
                     countIf(arrayExists((s, f, t, r) -> s = site_id AND toUnixTimestamp64Milli(ts) >= f AND toUnixTimestamp64Milli(ts) < t AND toUnixTimestamp64Milli(inserted_at) > r,
                       {cs:Array(String)}, {cf:Array(Int64)}, {ct:Array(Int64)}, {cr:Array(Int64)})) AS late
              FROM raw_hits GROUP BY pid, site_id, slice`,
      query_params: { cs: known.map((c) => c.siteId), cf: known.map((c) => c.from), ct: known.map((c) => c.to), cr: known.map((c) => c.readUntil) },
      format: 'JSONEachRow',
    })
  ).json<Slice>()
  const bySite = new Map(sites.map((s) => [s.id, s]))
  const partitions = new Map<string, { rows: number; open: number; late: Map<string, number>; hourStart: number }>()
  for (const s of slices) {
    const start = Number(s.slice) * 1000
    const p = partitions.get(s.pid) ?? { rows: 0, open: 0, late: new Map(), hourStart: Math.floor(start / HOUR) * HOUR }
    const n = Number(s.n)
    const late = Number(s.late)
    p.rows += n
    const site = bySite.get(s.site_id)
    const closed = site !== undefined && ledger.get(`${site.id}|${siteDay(start, site.timezone)}`)?.closed === true
    if (!closed) p.open += n
    if (late > 0) p.late.set(s.site_id, (p.late.get(s.site_id) ?? 0) + late)
    partitions.set(s.pid, p)
  }
  const purged: (PurgedPartition & { late: Map<string, number> })[] = []
  for (const [pid, p] of partitions) {
    const expired = p.hourStart + HOUR <= now - rawTtlMs
    if (p.open > 0 && !expired) continue
    const late = [...p.late.values()].reduce((a, b) => a + b, 0)
    purged.push({ partitionId: pid, rows: p.rows, reason: p.open === 0 ? 'rolled_up' : 'ttl', neverRolledRows: p.open + late, late: p.late })
  }
  // Detached raw parts are on disk but out of every query, purge and TTL: they go whatever their age.
  const detached = (
    await (
      await client.query({
        query: "SELECT table, name FROM system.detached_parts WHERE database = currentDatabase() AND table IN ('raw_hits', 'raw_hits_local') ORDER BY name",
        format: 'JSONEachRow',
      })
    ).json<{ table: string; name: string }>()
  ).map((d) => ({ partitionId: d.name, table: d.table, rows: 0, reason: 'detached' as const, neverRolledRows: 0, late: new Map<string, number>() }))
  purged.push(...detached.map(({ table: _table, ...d }) => d))
  if (opts.dryRun || purged.length === 0) return purged.map(({ late: _late, ...p }) => p)
  const target = alterTarget('raw_hits', opts.cluster)
  for (const p of purged) {
    if (p.reason !== 'detached') await client.command({ query: `ALTER TABLE ${target} DROP PARTITION ID {pid:String}`, query_params: { pid: p.partitionId } })
  }
  for (const d of detached) {
    await client.command({ query: `ALTER TABLE ${d.table} DROP DETACHED PART {name:String}`, query_params: { name: d.partitionId }, clickhouse_settings: { allow_drop_detached: 1 } })
  }
  await client.insert({
    table: 'purge_log',
    values: purged.map((p) => ({ at: now, partition_id: p.partitionId, rows: p.rows, reason: p.reason, never_rolled_rows: p.neverRolledRows })),
    format: 'JSONEachRow',
  })
  const lateBySite = new Map<string, number>()
  for (const p of purged) for (const [site, n] of p.late) lateBySite.set(site, (lateBySite.get(site) ?? 0) + n)
  if (lateBySite.size > 0) {
    const minute = Math.floor(now / 60_000) * 60
    await client.insert({ table: 'ingest_drops', values: [...lateBySite].map(([site, events]) => ({ minute, site_id: site, reason: 'late' satisfies IngestDropReason, events })), format: 'JSONEachRow' })
  }
  return purged.map(({ late: _late, ...p }) => p)
}
