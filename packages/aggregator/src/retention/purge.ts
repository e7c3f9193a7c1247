import { siteDay, type Site } from '@qa/core'
import { alterTarget, type ClickHouseClient } from '@qa/store'
import { readLedger } from '../rollup/rollup-plan.ts'

export interface PurgedPartition {
  partitionId: string
  rows: number
  reason: 'rolled_up' | 'ttl'
  neverRolledRows: number
}

interface Slice {
  pid: string
  site_id: string
  slice: string
  n: string
}

const HOUR = 3_600_000

/**
 * Drops raw partitions (one UTC hour each). A partition goes once every site-day it
 * holds has been closed by its final rollup; and, whatever its state, once the whole
 * hour is older than the raw TTL, in which case the rows never rolled up are counted
 * in the log. Rows of unknown sites are never rolled up and wait for the TTL.
 */
export async function purgeRaw(
  client: ClickHouseClient,
  sites: readonly Site[],
  now: number,
  rawTtlMs: number,
  opts: { dryRun?: boolean; cluster?: string } = {},
): Promise<PurgedPartition[]> {
  // Quarter-hour slices: every time zone offset is a multiple of 15 minutes, so a
  // slice lies within one site-local day.
  const slices = await (
    await client.query({
      query: `SELECT _partition_id AS pid, site_id, toString(toUnixTimestamp(toStartOfFifteenMinutes(ts))) AS slice, count() AS n
              FROM raw_hits GROUP BY pid, site_id, slice`,
      format: 'JSONEachRow',
    })
  ).json<Slice>()
  const ledger = await readLedger(client)
  const bySite = new Map(sites.map((s) => [s.id, s]))
  const partitions = new Map<string, { rows: number; open: number; hourStart: number }>()
  for (const s of slices) {
    const start = Number(s.slice) * 1000
    const p = partitions.get(s.pid) ?? { rows: 0, open: 0, hourStart: Math.floor(start / HOUR) * HOUR }
    const n = Number(s.n)
    p.rows += n
    const site = bySite.get(s.site_id)
    const closed = site !== undefined && ledger.get(`${site.id}|${siteDay(start, site.timezone)}`)?.closed === true
    if (!closed) p.open += n
    partitions.set(s.pid, p)
  }
  const purged: PurgedPartition[] = []
  for (const [pid, p] of partitions) {
    const expired = p.hourStart + HOUR <= now - rawTtlMs
    if (p.open > 0 && !expired) continue
    purged.push({ partitionId: pid, rows: p.rows, reason: p.open === 0 ? 'rolled_up' : 'ttl', neverRolledRows: p.open })
  }
  if (opts.dryRun || purged.length === 0) return purged
  const target = alterTarget('raw_hits', opts.cluster)
  for (const p of purged) await client.command({ query: `ALTER TABLE ${target} DROP PARTITION ID {pid:String}`, query_params: { pid: p.partitionId } })
  await client.insert({
    table: 'purge_log',
    values: purged.map((p) => ({ at: now, partition_id: p.partitionId, rows: p.rows, reason: p.reason, never_rolled_rows: p.neverRolledRows })),
    format: 'JSONEachRow',
  })
  return purged
}
