import { DIMENSION_NAMES, DIMENSIONS, OTHER, scrubText, type Dimension, type DimensionDef } from '@quiet-analytics/core'
import type { ClickHouseClient } from '@quiet-analytics/store'
import { rollupMonth } from '../rollup/rollup-month.ts'
import type { PlausibleReport } from './plausible-csv.ts'

/** How each Plausible report maps onto our breakdown dimensions (from the vocabulary): [dimension, its column]. */
const BREAKDOWNS: Record<string, [Dimension, string][]> = {}
for (const name of DIMENSION_NAMES) {
  const source = (DIMENSIONS[name] as DimensionDef).plausible
  if (source) (BREAKDOWNS[source[0]] ??= []).push([name, source[1]])
}

const DEVICE_NAMES: Record<string, string> = { Desktop: 'desktop', Mobile: 'mobile', Tablet: 'tablet' }

export interface ImportPlan {
  days: string[]
  totals: Record<string, unknown>[]
  breakdowns: Record<string, unknown>[]
  events: Record<string, unknown>[]
  skippedReports: string[]
}

const int = (v: string | undefined) => (v && /^\d+(\.\d+)?$/.test(v) ? Math.round(Number(v)) : 0)

/**
 * Turns the reports of a Plausible export into rows of our aggregate tables for one
 * site. Plausible's visitors are per day too, so they sum the same way. Reports we have
 * no dimension for (cities, regions) are skipped and named. Breakdown values and event
 * names with fewer than `k` visitors on a day fold into (other), as the rollup folds them.
 */
export function planImport(siteId: string, reports: readonly PlausibleReport[], k = 1): ImportPlan {
  const days = new Set<string>()
  const totals: Record<string, unknown>[] = []
  const breakdowns: Record<string, unknown>[] = []
  const events: Record<string, unknown>[] = []
  const skipped: string[] = []
  for (const report of reports) {
    for (const row of report.rows) if (/^\d{4}-\d{2}-\d{2}$/.test(row.date ?? '')) days.add(row.date!)
    if (report.name === 'visitors') {
      for (const r of report.rows) {
        totals.push({ site_id: siteId, day: r.date, visitors: int(r.visitors), visits: int(r.visits), pageviews: int(r.pageviews), bounces: int(r.bounces), duration_s: int(r.visit_duration), events: 0, engagement_ms: 0 })
      }
    } else if (report.name === 'custom_events') {
      for (const r of report.rows) events.push({ site_id: siteId, day: r.date, kind: 'event', event: scrubText(r.name ?? ''), prop_key: '', prop_value: '', visitors: int(r.visitors), events: int(r.events) })
    } else if (BREAKDOWNS[report.name]) {
      for (const [dimension, column] of BREAKDOWNS[report.name]!) {
        if (!report.rows[0] || !(column in report.rows[0])) continue
        const byValue = new Map<string, Record<string, number>>()
        for (const r of report.rows) {
          // Imported text is scrubbed as ingested text is: the export may hold what our collector would never keep.
          let value = scrubText(r[column] ?? '')
          if (dimension === 'device') value = DEVICE_NAMES[value] ?? value.toLowerCase()
          if (dimension === 'browser_version' || dimension === 'os_version') value = value ? `${r[dimension === 'os_version' ? 'operating_system' : 'browser'] ?? ''} ${value}`.trim() : ''
          const key = `${r.date}\u0000${value}`
          const m = byValue.get(key) ?? { visitors: 0, visits: 0, pageviews: 0, bounces: 0, duration_s: 0 }
          m.visitors! += int(r.visitors)
          m.visits! += int(r.visits ?? r.entrances ?? r.exits)
          m.pageviews! += int(r.pageviews)
          m.bounces! += int(r.bounces)
          m.duration_s! += int(r.visit_duration)
          byValue.set(key, m)
        }
        for (const [key, m] of byValue) {
          const [day, value] = key.split('\u0000')
          breakdowns.push({ site_id: siteId, day, filter_dimension: '', filter_value: '', dimension, value, ...m, events: 0, engagement_ms: 0, engagements: 0 })
        }
      }
    } else skipped.push(report.name)
  }
  return { days: [...days].sort(), totals, breakdowns: foldUnderK(breakdowns, ['day', 'dimension'], 'value', k), events: foldUnderK(events, ['day'], 'event', k), skippedReports: skipped }
}

/** Rows of a group (same `keys`) with fewer than k visitors merge into one (other) row, their counts summed. */
function foldUnderK(rows: Record<string, unknown>[], keys: readonly string[], valueColumn: string, k: number): Record<string, unknown>[] {
  if (k <= 1) return rows
  const kept: Record<string, unknown>[] = []
  const other = new Map<string, Record<string, unknown>>()
  for (const row of rows) {
    if (Number(row.visitors) >= k) {
      kept.push(row)
      continue
    }
    const key = keys.map((c) => String(row[c])).join('\u0000')
    const sum = other.get(key)
    if (!sum) other.set(key, { ...row, [valueColumn]: OTHER })
    else for (const [c, v] of Object.entries(row)) if (typeof v === 'number') sum[c] = Number(sum[c]) + v
  }
  return [...kept, ...other.values()]
}

/**
 * Writes a plan: the site's imported days are cleared first (so importing twice gives
 * the same rows), then the monthly sums of the touched months are rebuilt.
 */
export async function applyImport(client: ClickHouseClient, siteId: string, plan: ImportPlan, onProgress?: (done: number, total: number) => void): Promise<void> {
  if (plan.days.length === 0) return
  const range = { site: siteId, from: plan.days[0], to: plan.days[plan.days.length - 1] }
  const settings = { mutations_sync: '2', max_partitions_per_insert_block: '0' } as const
  const steps: [string, Record<string, unknown>[]][] = [
    ['agg_totals_daily', plan.totals],
    ['agg_breakdown_daily', plan.breakdowns],
    ['agg_events_daily', plan.events],
  ]
  let done = 0
  for (const [table, rows] of steps) {
    await client.command({ query: `ALTER TABLE ${table} DELETE WHERE site_id = {site:String} AND day BETWEEN {from:Date} AND {to:Date}`, query_params: range, clickhouse_settings: settings })
    for (let i = 0; i < rows.length; i += 10_000) {
      await client.insert({ table, values: rows.slice(i, i + 10_000), format: 'JSONEachRow', clickhouse_settings: settings })
      done += Math.min(10_000, rows.length - i)
      onProgress?.(done, plan.totals.length + plan.breakdowns.length + plan.events.length)
    }
  }
  for (const month of new Set(plan.days.map((d) => `${d.slice(0, 7)}-01`))) await rollupMonth(client, month)
}
