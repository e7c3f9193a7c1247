import { minGroupSize, OTHER, RAW_HIT_COLUMNS } from '@quiet-analytics/core'
import { query, type Check } from './audit-types.ts'

/** Databases of the engine itself: everything else the store holds is searched. */
export const SYSTEM_DATABASES = ['system', 'INFORMATION_SCHEMA', 'information_schema']

/** Our tables that hold raw-hit columns by design. */
const RAW_TABLES = new Set(['raw_hits', 'raw_hits_local', 'rollup_work'])

export const detachedPartsCheck: Check = {
  id: 'detached_parts',
  title: 'no detached parts left on disk (a detached raw partition escapes purges and TTLs)',
  async run({ client }) {
    const rows = await query<{ where: string; n: string }>(
      client,
      `SELECT concat(database, '.', table) AS where, count() AS n FROM system.detached_parts
       WHERE database NOT IN {system:Array(String)} GROUP BY where ORDER BY where`,
      { system: SYSTEM_DATABASES },
    )
    return rows.length === 0 ? { status: 'pass', detail: 'no detached parts' } : { status: 'fail', detail: rows.map((r) => `${r.where}: ${r.n} detached parts`).join('; ') }
  },
}

export const rawCopiesCheck: Check = {
  id: 'raw_copies',
  title: 'raw-hit columns live only in the raw table and the rollup scratch table',
  async run({ client }) {
    const tables = await query<{ database: string; table: string; raw: string[] }>(
      client,
      `SELECT database, table, groupArray(name) AS raw FROM system.columns
       WHERE database NOT IN {system:Array(String)} AND name IN {raw:Array(String)}
       GROUP BY database, table`,
      { system: SYSTEM_DATABASES, raw: RAW_HIT_COLUMNS },
    )
    const [own] = await query<{ db: string }>(client, 'SELECT currentDatabase() AS db')
    // A copy needs the hash or enough of the row to be one: a few shared names (site_id, path) are not.
    const copies = tables.filter((t) => (t.raw.includes('visitor_id') || t.raw.length >= 6) && !(t.database === own!.db && RAW_TABLES.has(t.table)))
    return copies.length === 0
      ? { status: 'pass', detail: 'visitor hashes and raw rows only in raw_hits and rollup_work' }
      : { status: 'fail', detail: `raw-hit columns outside the raw table: ${copies.map((c) => `${c.database}.${c.table} (${c.raw.length} columns${c.raw.includes('visitor_id') ? ', visitor_id' : ''})`).join(', ')}` }
  },
}

export const smallGroupsCheck: Check = {
  id: 'small_groups',
  title: "no stored breakdown, property or event row names a value seen by fewer than its site's k visitors",
  async run({ client, config, sites }) {
    const ks = sites.map((s) => minGroupSize(s, config.aggregation))
    const params = { sites: sites.map((s) => s.id), ks, k: config.aggregation.minGroupSize, other: OTHER }
    // Each row's site k; sites no longer configured get the global one.
    const k = 'if(has({sites:Array(String)}, site_id), {ks:Array(UInt32)}[indexOf({sites:Array(String)}, site_id)], {k:UInt32})'
    const [b] = await query<{ n: string }>(client, `SELECT count() AS n FROM agg_breakdown_daily WHERE visitors < ${k} AND value != {other:String}`, params)
    const [e] = await query<{ n: string }>(
      client,
      `SELECT count() AS n FROM agg_events_daily WHERE kind = 'event' AND visitors < ${k} AND event != {other:String} AND (prop_key = '' OR prop_value != {other:String})`,
      params,
    )
    const found = [Number(b?.n ?? 0) > 0 ? `${b!.n} breakdown rows` : '', Number(e?.n ?? 0) > 0 ? `${e!.n} event rows` : ''].filter(Boolean)
    return found.length === 0 ? { status: 'pass', detail: `k per site: ${sites.map((s, i) => `${s.id} ${ks[i]}`).join(', ') || 'none'}` } : { status: 'fail', detail: `under k: ${found.join(', ')}` }
  },
}
