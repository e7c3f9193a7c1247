import { eachDay, endOfSiteDay, INGEST_DROP_REASONS, metricColumns, METRIC_NAMES, type Metric, startOfSiteDay, zoneOffsetMs, type IngestDropReason, type Site } from '@quiet-analytics/core'
import type { ClickHouseClient } from '@quiet-analytics/store'
import { parseFilter, RANGE_LIMITS, type StatsParams } from './params.ts'
import { periodRange, previousRange, wholeMonths, type DayRange } from './range.ts'
import type { DashboardDimension } from './vocabulary.ts'
import type { ResultCache } from './result-cache.ts'

export type Totals = Record<Metric, number>

export interface Topline {
  range: DayRange
  totals: Totals
  previous?: { range: DayRange; totals: Totals; change: Record<Metric, number | null> }
  /** Unique visitors over several days are the sum of daily uniques (daily salts). */
  visitorsSummedDaily: boolean
}

/** A timeseries point: `t` is the bucket in the site's wall time; hourly points add the UTC offset and the instant. */
export type TimePoint = { t: string; offset?: string; at?: number } & Totals

export interface BreakdownRow extends Totals {
  value: string
}

export interface PropertyRow {
  value: string
  visitors: number
  events: number
}

/** Events the collector refused, and late ones (stored after their day closed, never aggregated), per site-local day: counts only, from ingest_drops. */
export type DropCounts = Record<IngestDropReason, number>

export class StatsError extends Error {
  override name = 'StatsError'
}

/** The store's refusals under the dashboard user's fixed limits, by the limit they name. */
const QUERY_LIMIT_ERRORS: Record<string, string> = {
  TIMEOUT_EXCEEDED: 'execution time',
  TOO_MANY_ROWS_OR_BYTES: 'result size',
  TOO_MANY_ROWS: 'result size',
  MEMORY_LIMIT_EXCEEDED: 'memory',
}

const COLUMNS = {
  breakdown: 'site_id, filter_dimension, filter_value, dimension, value, visitors, visits, pageviews, bounces, duration_s',
  totals: 'site_id, visitors, visits, pageviews, bounces, duration_s',
  events: 'site_id, kind, event, prop_key, prop_value, visitors, events',
}

/**
 * A range read as its whole months from the monthly table and its other days from the
 * daily one: a year is 13 partitions, not 395. `dated` adds the bucket date as `d`.
 * Parameters: site, from, to, mfrom, mto, each name followed by `suffix` (two ranges
 * in one query use two suffixes).
 */
function spanning(table: keyof typeof COLUMNS, dated = false, suffix = ''): string {
  const d = (column: string) => (dated ? `${column} AS d, ` : '')
  const [from, to, mfrom, mto] = ['from', 'to', 'mfrom', 'mto'].map((n) => `{${n}${suffix}:Date}`)
  return `(SELECT ${d('day')}${COLUMNS[table]} FROM agg_${table}_daily
            WHERE site_id = {site:String} AND day BETWEEN ${from} AND ${to} AND NOT (day BETWEEN ${mfrom} AND addDays(addMonths(${mto}, 1), -1))
           UNION ALL
           SELECT ${d('month')}${COLUMNS[table]} FROM agg_${table}_monthly
            WHERE site_id = {site:String} AND month BETWEEN ${mfrom} AND ${mto})`
}

/**
 * The timeseries query for daily or monthly points: days from the daily table, months
 * from whole months of the monthly one (and the days around them); a filter reads the
 * breakdown rows of its value instead of the totals.
 */
export function seriesSql(interval: 'day' | 'month', filtered: boolean): string {
  const table = filtered ? 'breakdown' : 'totals'
  const source =
    interval === 'month' ? spanning(table, true) : `(SELECT day AS d, ${COLUMNS[table]} FROM agg_${table}_daily WHERE site_id = {site:String} AND day BETWEEN {from:Date} AND {to:Date})`
  const bucket = interval === 'month' ? "formatDateTime(toStartOfMonth(d), '%Y-%m')" : 'toString(d)'
  const where = filtered ? "WHERE filter_dimension = '' AND dimension = {dim:String} AND value = {value:String}" : ''
  return `SELECT ${bucket} AS t, ${metricColumns()} FROM ${source} ${where} GROUP BY t ORDER BY t`
}

function rangeParams(site: Site, range: DayRange, suffix = ''): Record<string, unknown> {
  const m = wholeMonths(range)
  return { site: site.id, [`from${suffix}`]: range.from, [`to${suffix}`]: range.to, [`mfrom${suffix}`]: m.monthFrom, [`mto${suffix}`]: m.monthTo }
}

const num = (row: Record<string, unknown>): Totals => Object.fromEntries(METRIC_NAMES.map((m) => [m, Number(row[m] ?? 0)])) as Totals

/**
 * Statistics over the anonymous aggregates only. A filter reads the breakdown row of
 * that value (for totals and timeseries) or the stored pairs (for breakdowns).
 */
export class StatsService {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly filterDimensions: readonly string[],
    private readonly cache?: ResultCache,
  ) {}

  private rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return this.cache ? this.cache.rows(query, params, () => this.fetch<T>(query, params)) : this.fetch<T>(query, params)
  }

  private async fetch<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    try {
      // Metric aliases reuse the column names (visits AS visits); columns must win inside expressions.
      return await (await this.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { prefer_column_name_to_alias: 1 } })).json<T>()
    } catch (err) {
      const limit = QUERY_LIMIT_ERRORS[(err as { type?: string }).type ?? '']
      if (limit) throw new StatsError(`the request exceeds the dashboard's ${limit} limit: choose a shorter period or a filter`)
      throw err
    }
  }

  /** Totals of each range, in one query: a comparison costs no second round trip. */
  private async totals(site: Site, ranges: DayRange[], filter: ReturnType<typeof parseFilter>): Promise<Totals[]> {
    const where = filter ? "WHERE filter_dimension = '' AND dimension = {dim:String} AND value = {value:String}" : ''
    const sql = ranges
      .map((_, i) => `SELECT ${i} AS range_index, ${metricColumns()} FROM ${spanning(filter ? 'breakdown' : 'totals', false, `_${i}`)} ${where}`)
      .join(' UNION ALL ')
    const params = Object.assign({}, ...ranges.map((r, i) => rangeParams(site, r, `_${i}`)), filter ? { dim: filter.dimension, value: filter.value } : {})
    const rows = await this.rows<Record<string, unknown>>(sql, params)
    return ranges.map((_, i) => num(rows.find((r) => Number(r.range_index) === i) ?? {}))
  }

  /** The visitors of the filter's value over the range (summed daily): whether a share link may show it. */
  async filterVisitors(site: Site, p: StatsParams, now: number): Promise<number> {
    const filter = parseFilter(p.filter)
    if (!filter) return 0
    const [row] = await this.rows<{ v: string }>(
      `SELECT sum(visitors) AS v FROM ${spanning('breakdown')} WHERE filter_dimension = '' AND dimension = {dim:String} AND value = {value:String}`,
      { ...rangeParams(site, periodRange(p, now, site.timezone)), dim: filter.dimension, value: filter.value },
    )
    return Number(row?.v ?? 0)
  }

  async topline(site: Site, p: StatsParams, now: number): Promise<Topline> {
    const range = periodRange(p, now, site.timezone)
    const filter = parseFilter(p.filter)
    const prev = p.compare === 'previous' ? previousRange(range) : undefined
    const [totals, prevTotals] = await this.totals(site, prev ? [range, prev] : [range], filter)
    const result: Topline = { range, totals: totals!, visitorsSummedDaily: range.days > 1 }
    if (prev && prevTotals) {
      const change = Object.fromEntries(
        METRIC_NAMES.map((m) => [m, prevTotals[m] === 0 ? null : Math.round(((totals![m] - prevTotals[m]) / prevTotals[m]) * 1000) / 10]),
      ) as Record<Metric, number | null>
      result.previous = { range: prev, totals: prevTotals, change }
    }
    return result
  }

  async timeseries(site: Site, p: StatsParams, now: number): Promise<{ interval: string; points: TimePoint[] }> {
    const range = periodRange(p, now, site.timezone)
    const filter = parseFilter(p.filter)
    const interval = p.interval ?? (range.days <= 2 ? 'hour' : range.days > 90 ? 'month' : 'day')
    if (interval === 'hour' && filter) throw new StatsError('filtered views have daily resolution: use interval=day')
    if (interval === 'hour' && range.days > RANGE_LIMITS.maxHourlyDays) throw new StatsError(`interval=hour covers at most ${RANGE_LIMITS.maxHourlyDays} days: use interval=day`)
    const base = { site: site.id, from: range.from, to: range.to, tz: site.timezone }
    if (interval === 'hour') {
      // Keyed by the hour's instant: the two 02:00s of an autumn night stay two points.
      const hourly = await this.rows<Record<string, unknown>>(
        `SELECT toUnixTimestamp(hour) AS at, ${metricColumns()}
         FROM agg_totals_hourly WHERE site_id = {site:String} AND day BETWEEN {from:Date} AND {to:Date} GROUP BY at ORDER BY at`,
        base,
      )
      const byHour = new Map(hourly.map((r) => [Number(r.at), num(r)]))
      return { interval, points: localHours(range, site.timezone).map((h) => ({ ...h, ...(byHour.get(h.at) ?? num({})) })) }
    }
    const rows = await this.rows<Record<string, unknown>>(seriesSql(interval, filter !== undefined), { ...rangeParams(site, range), ...(filter ? { dim: filter.dimension, value: filter.value } : {}) })
    const byBucket = new Map(rows.map((r) => [String(r.t), num(r)]))
    return { interval, points: buckets(range, interval).map((t) => ({ t, ...(byBucket.get(t) ?? num({})) })) }
  }

  /**
   * Top values of a dimension. With `minGroupSize` (share links), rows with fewer
   * visitors over the range are folded into "(other)" at display time as well.
   */
  async breakdown(site: Site, dimension: DashboardDimension, p: StatsParams, now: number, minGroupSize = 1): Promise<BreakdownRow[]> {
    const range = periodRange(p, now, site.timezone)
    const filter = parseFilter(p.filter)
    if (filter && !this.filterDimensions.includes(filter.dimension) && filter.dimension !== dimension) {
      throw new StatsError(`breakdowns cannot be filtered by ${filter.dimension}; filterable: ${this.filterDimensions.join(', ')}`)
    }
    const sameDimension = filter?.dimension === dimension
    // Small values fold into "(other)" and ratios come from the folded sums, in the
    // store: only the rows shown leave it.
    const rows = await this.rows<Record<string, unknown>>(
      `SELECT v AS value, ${metricColumns()}
       FROM (
         SELECT if(visitors < {k:UInt32}, '(other)', value) AS v, visitors, visits, pageviews, bounces, duration_s
         FROM (
           SELECT value, sum(visitors) AS visitors, sum(visits) AS visits, sum(pageviews) AS pageviews, sum(bounces) AS bounces, sum(duration_s) AS duration_s
           FROM ${spanning('breakdown')}
           WHERE filter_dimension = {fdim:String} AND filter_value = {fval:String} AND dimension = {dim:String}
             ${sameDimension ? 'AND value = {value:String}' : ''}
           GROUP BY value
         )
       )
       GROUP BY v
       ORDER BY sum(visitors) DESC, v
       LIMIT {limit:UInt32}`,
      {
        ...rangeParams(site, range),
        fdim: filter && !sameDimension ? filter.dimension : '',
        fval: filter && !sameDimension ? filter.value : '',
        dim: dimension,
        value: filter?.value ?? '',
        k: minGroupSize,
        limit: p.limit,
      },
    )
    return rows.map((r) => ({ value: String(r.value), ...num(r) }))
  }

  async events(site: Site, p: StatsParams, now: number, kind: 'event' | 'goal'): Promise<{ name: string; visitors: number; events: number }[]> {
    const range = periodRange(p, now, site.timezone)
    const rows = await this.rows<{ name: string; visitors: string; events: string }>(
      `SELECT event AS name, sum(visitors) AS visitors, sum(events) AS events
       FROM ${spanning('events')}
       WHERE kind = {kind:String} AND prop_key = ''
       GROUP BY name ORDER BY sum(visitors) DESC, name LIMIT {limit:UInt32}`,
      { ...rangeParams(site, range), kind, limit: p.limit },
    )
    return rows.map((r) => ({ name: r.name, visitors: Number(r.visitors), events: Number(r.events) }))
  }

  /** The property keys a custom event was sent with over the range, most used first. */
  async propertyKeys(site: Site, event: string, p: StatsParams, now: number): Promise<{ key: string; events: number }[]> {
    const range = periodRange(p, now, site.timezone)
    const rows = await this.rows<{ key: string; events: string }>(
      `SELECT prop_key AS key, sum(events) AS events FROM ${spanning('events')}
       WHERE kind = 'event' AND event = {event:String} AND prop_key != ''
       GROUP BY key ORDER BY sum(events) DESC, key LIMIT {limit:UInt32}`,
      { ...rangeParams(site, range), event, limit: p.limit },
    )
    return rows.map((r) => ({ key: r.key, events: Number(r.events) }))
  }

  /**
   * The values of one property of a custom event. Values under k on a day were folded
   * into "(other)" by the rollup; with `minGroupSize` (share links) values with fewer
   * visitors over the range fold as well, as in any breakdown.
   */
  async propertyBreakdown(site: Site, event: string, key: string, p: StatsParams, now: number, minGroupSize = 1): Promise<PropertyRow[]> {
    const range = periodRange(p, now, site.timezone)
    const rows = await this.rows<{ v: string; visitors: string; events: string }>(
      `SELECT if(visitors < {k:UInt32}, '(other)', value) AS v, sum(visitors) AS visitors, sum(events) AS events
       FROM (
         SELECT prop_value AS value, sum(visitors) AS visitors, sum(events) AS events FROM ${spanning('events')}
         WHERE kind = 'event' AND event = {event:String} AND prop_key = {key:String}
         GROUP BY value
       )
       GROUP BY v ORDER BY sum(visitors) DESC, v LIMIT {limit:UInt32}`,
      { ...rangeParams(site, range), event, key, k: minGroupSize, limit: p.limit },
    )
    return rows.map((r) => ({ value: r.v, visitors: Number(r.visitors), events: Number(r.events) }))
  }

  /** Refused events per day of the range (days without any are left out), and their totals. */
  async drops(site: Site, p: StatsParams, now: number): Promise<{ days: ({ day: string } & DropCounts)[]; totals: DropCounts }> {
    const range = periodRange(p, now, site.timezone)
    const rows = await this.rows<{ day: string; reason: string; events: string }>(
      `SELECT toString(toDate(minute, {tz:String})) AS day, reason, sum(events) AS events FROM ingest_drops
       WHERE site_id = {site:String} AND minute >= toDateTime({start:UInt32}, 'UTC') AND minute < toDateTime({end:UInt32}, 'UTC')
       GROUP BY day, reason ORDER BY day`,
      { site: site.id, tz: site.timezone, start: startOfSiteDay(range.from, site.timezone) / 1000, end: endOfSiteDay(range.to, site.timezone) / 1000 },
    )
    const zero = (): DropCounts => Object.fromEntries(INGEST_DROP_REASONS.map((k) => [k, 0])) as DropCounts
    const byDay = new Map<string, { day: string } & DropCounts>()
    const totals = zero()
    for (const r of rows) {
      const kind = r.reason as IngestDropReason
      if (!INGEST_DROP_REASONS.includes(kind)) continue
      const day = byDay.get(r.day) ?? { day: r.day, ...zero() }
      day[kind] += Number(r.events)
      totals[kind] += Number(r.events)
      byDay.set(r.day, day)
    }
    return { days: [...byDay.values()], totals }
  }

  async current(site: Site, now: number): Promise<number> {
    const [row] = await this.rows<{ v: string }>(
      `SELECT argMax(visitors_5m, minute) AS v FROM agg_realtime FINAL
       WHERE site_id = {site:String} AND minute >= toDateTime({since:UInt32}, 'UTC')`,
      { site: site.id, since: Math.floor(now / 1000) - 5 * 60 },
    )
    return Number(row?.v ?? 0)
  }
}

/** Every bucket of the range, so a chart shows quiet hours and days as zeros. */
function buckets(range: DayRange, interval: 'day' | 'month'): string[] {
  return [...new Set(eachDay(range.from, range.to).map((day) => (interval === 'month' ? day.slice(0, 7) : day)))]
}

const localTime = new Map<string, Intl.DateTimeFormat>()

/**
 * The real hours of the range's site-local days, in wall time: 23 on a spring-forward
 * day, 25 on a fall-back day (its repeated hour twice, told apart by the offset).
 */
export function localHours(range: DayRange, timeZone: string): { t: string; offset: string; at: number }[] {
  let f = localTime.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    localTime.set(timeZone, f)
  }
  const out: { t: string; offset: string; at: number }[] = []
  for (let t = startOfSiteDay(range.from, timeZone); t < endOfSiteDay(range.to, timeZone); t += 3_600_000) {
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]))
    const off = zoneOffsetMs(t, timeZone) / 60_000
    const offset = `${off < 0 ? '-' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`
    out.push({ t: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`, offset, at: t / 1000 })
  }
  return out
}

