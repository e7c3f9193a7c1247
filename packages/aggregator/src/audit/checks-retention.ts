import { RAW_HIT_COLUMNS, RAW_STORE_COLUMNS, siteDay } from '@quiet-analytics/core'
import { saltExpiry } from '../salts/salt-lifecycle.ts'
import { query, type Check } from './audit-types.ts'

const H = 3_600_000

export const rawAgeCheck: Check = {
  id: 'raw_ttl',
  title: 'oldest raw row within the raw TTL',
  async run({ client, config, now }) {
    const [r] = await query<{ n: string; oldest: string | null }>(client, 'SELECT count() AS n, toUnixTimestamp64Milli(min(ts)) AS oldest FROM raw_hits')
    const rows = Number(r?.n ?? 0)
    const limitH = config.retention.rawTtlHours
    if (rows === 0) return { status: 'pass', detail: `no raw rows (limit ${limitH} h)` }
    const ageH = (now - Number(r!.oldest)) / H
    // Partitions are whole hours: the purge drops an hour once all of it is past the TTL.
    const ok = ageH <= limitH + 1
    return { status: ok ? 'pass' : 'fail', detail: `${rows} raw rows, oldest ${ageH.toFixed(1)} h old (limit ${limitH} h + the partition hour)` }
  },
}

export const workTableCheck: Check = {
  id: 'work_tables_empty',
  title: 'rollup scratch tables hold nothing between rollups',
  async run({ client }) {
    const [r] = await query<{ n: string }>(client, 'SELECT count() AS n FROM rollup_work')
    const n = Number(r?.n ?? 0)
    return n === 0 ? { status: 'pass', detail: 'rollup_work is empty' } : { status: 'fail', detail: `rollup_work holds ${n} rows with visitor hashes` }
  },
}

export const saltCheck: Check = {
  id: 'salts',
  title: 'no salt alive past its day plus the grace, none made far ahead',
  async run({ client, config, sites, now }) {
    const rows = await query<{ site_id: string; day: string; n: string }>(client, 'SELECT site_id, toString(day) AS day, count() AS n FROM salts GROUP BY site_id, day ORDER BY day, site_id')
    const graceMs = config.retention.saltGraceMinutes * 60_000
    const bySite = new Map(sites.map((s) => [s.id, s]))
    const expired: string[] = []
    const ahead: string[] = []
    for (const r of rows) {
      const site = bySite.get(r.site_id) ?? { timezone: 'UTC' }
      if (now >= saltExpiry(r.day, site, graceMs)) expired.push(`${r.site_id} ${r.day}`)
      // Allowed: up to tomorrow in the site's zone.
      const tomorrow = siteDay(now + 24 * H, site.timezone)
      if (r.day > tomorrow) ahead.push(`${r.site_id} ${r.day}`)
    }
    const bad = [...expired.map((e) => `expired: ${e}`), ...ahead.map((a) => `too far ahead: ${a}`)]
    return bad.length === 0
      ? { status: 'pass', detail: `${rows.length} salt days alive, grace ${config.retention.saltGraceMinutes} min` }
      : { status: 'fail', detail: bad.join('; ') }
  },
}

/** The store's own deletion of raw rows and salts, should the aggregator stop: present on both tables. */
export const ttlBackstopCheck: Check = {
  id: 'ttl_backstops',
  title: 'raw_hits and salts delete their own rows if the aggregator stops',
  async run({ client }) {
    const rows = await query<{ name: string; ttl: number }>(
      client,
      "SELECT name, position(create_table_query, ' TTL ') > 0 AS ttl FROM system.tables WHERE database = currentDatabase() AND name IN ('raw_hits', 'salts')",
    )
    const missing = ['raw_hits', 'salts'].filter((t) => !rows.some((r) => r.name === t && Number(r.ttl) === 1))
    return missing.length === 0 ? { status: 'pass', detail: 'TTL clauses on raw_hits and salts' } : { status: 'fail', detail: `no TTL backstop on ${missing.join(', ')}` }
  },
}

export const rawSchemaCheck: Check = {
  id: 'raw_schema',
  title: 'raw table holds only the minimal columns',
  async run({ client }) {
    const cols = await query<{ name: string }>(client, "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'raw_hits' ORDER BY position")
    const extra = cols.map((c) => c.name).filter((n) => !(RAW_HIT_COLUMNS as string[]).includes(n) && !(n in RAW_STORE_COLUMNS))
    return extra.length === 0 ? { status: 'pass', detail: `${cols.length} columns, all in the documented list` } : { status: 'fail', detail: `undocumented raw columns: ${extra.join(', ')}` }
  },
}

export const lifecycleCheck: Check = {
  id: 'rollup_and_purge',
  title: 'rollups and purges are running',
  async run({ client, now }) {
    const [r] = await query<{ rollup: string | null; purge: string | null; raw: string }>(
      client,
      `SELECT (SELECT toUnixTimestamp64Milli(max(at)) FROM rollup_log WHERE at > 0) AS rollup,
              (SELECT toUnixTimestamp64Milli(max(at)) FROM purge_log WHERE at > 0) AS purge,
              (SELECT count() FROM raw_hits) AS raw`,
    )
    const ago = (t: string | null | undefined) => (t && Number(t) > 0 ? `${((now - Number(t)) / 60_000).toFixed(0)} min ago` : 'never')
    const detail = `last rollup ${ago(r?.rollup)}, last purge ${ago(r?.purge)}`
    const stale = Number(r?.raw ?? 0) > 0 && (!r?.rollup || Number(r.rollup) === 0 || now - Number(r.rollup) > H)
    return stale ? { status: 'fail', detail: `${detail}: raw rows wait and no rollup ran in the last hour` } : { status: 'pass', detail }
  },
}
