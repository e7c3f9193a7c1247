import { funnelDefinition, stepLabel, type Funnel, type FunnelStep, type Site } from '@quiet-analytics/core'
import { readFunnelDefs, removeFunnelDef, withDefinedFunnels, writeFunnelDef, type ClickHouseClient } from '@quiet-analytics/store'
import { parseFilter, type StatsParams } from './params.ts'
import { periodRange, type DayRange } from './range.ts'
import { StatsError } from './stats-service.ts'

export interface FunnelInfo extends Funnel {
  steps: (FunnelStep & { label: string })[]
  /** Configured in the file (changed there), or defined in the dashboard (changed or removed there). */
  source: 'config' | 'dashboard'
  /** The first day computed with this definition; null until the next rollup. */
  dataFrom: string | null
}

export interface FunnelStepStats {
  step: number
  label: string
  /** Visits that reached this step; null when fewer than k (shown as "< k"). */
  visits: number | null
  /** Share of the first step's visits, in percent; null when either count is under k. */
  conversion: number | null
  /** Share of the previous step's visits that did not reach this one, in percent. */
  dropOff: number | null
  /** Median time from the previous step (lower bound of its bucket, seconds); null under k. */
  medianSeconds: number | null
}

export interface FunnelStats {
  name: string
  order: Funnel['order']
  range: DayRange
  minGroupSize: number
  dataFrom: string | null
  steps: FunnelStepStats[]
}

const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10)

/** The lower median of a bucketed distribution: the bucket holding the ceil(n/2)-th value. */
export function bucketMedian(buckets: readonly [bucket: number, count: number][]): number | null {
  const total = buckets.reduce((a, [, n]) => a + n, 0)
  if (total === 0) return null
  let seen = 0
  for (const [bucket, n] of [...buckets].sort((a, b) => a[0] - b[0])) {
    seen += n
    if (seen >= Math.ceil(total / 2)) return bucket
  }
  return null
}

/**
 * Funnels over the stored step counts only: no visit's sequence is read, none is kept.
 * A step count under the site's k is withheld (with the ratios that would reveal it),
 * whoever asks: funnel counts are not folded at rollup as breakdown rows are.
 */
export class FunnelService {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly filterDimensions: readonly string[],
  ) {}

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>()
  }

  /** The site's funnels: configured ones, then those defined in the dashboard. */
  async list(site: Site): Promise<FunnelInfo[]> {
    const [defined, firstDays] = await Promise.all([
      readFunnelDefs(this.client),
      this.rows<{ key: string; first: string }>(
        'SELECT key, toString(min(day)) AS first FROM rollup_log ARRAY JOIN funnels AS key WHERE site_id = {site:String} GROUP BY key',
        { site: site.id },
      ),
    ])
    const first = new Map(firstDays.map((r) => [r.key, r.first]))
    const [merged] = withDefinedFunnels([site], defined)
    const configured = new Set(site.funnels.map((f) => f.name))
    return merged!.funnels.map((f) => ({
      ...f,
      steps: f.steps.map((s) => ({ ...s, label: stepLabel(s) })),
      source: configured.has(f.name) ? 'config' : 'dashboard',
      dataFrom: first.get(`${f.name}:${funnelDefinition(f)}`) ?? null,
    }))
  }

  /** Defines (or redefines) a funnel in the dashboard; a configured funnel of that name is the file's to change. */
  async define(site: Site, funnel: Funnel, by: string): Promise<'defined' | 'configured'> {
    if (site.funnels.some((f) => f.name === funnel.name)) return 'configured'
    await writeFunnelDef(this.client, site.id, funnel, by)
    return 'defined'
  }

  async remove(site: Site, name: string, by: string): Promise<'removed' | 'configured' | 'unknown'> {
    if (site.funnels.some((f) => f.name === name)) return 'configured'
    if (!(await readFunnelDefs(this.client)).some((d) => d.siteId === site.id && d.funnel.name === name)) return 'unknown'
    await removeFunnelDef(this.client, site.id, name, by)
    return 'removed'
  }

  async stats(site: Site, name: string, p: StatsParams, now: number, k: number): Promise<FunnelStats | undefined> {
    const funnel = (await this.list(site)).find((f) => f.name === name)
    if (!funnel) return undefined
    const filter = parseFilter(p.filter)
    if (filter && !this.filterDimensions.includes(filter.dimension)) {
      throw new StatsError(`filter: funnels are stored per visit dimension in aggregation.filterDimensions (${this.filterDimensions.join(', ') || 'none'}), not per ${filter.dimension}`)
    }
    const range = periodRange(p, now, site.timezone)
    const rows = await this.rows<{ step: number; bucket: number; visits: string }>(
      `SELECT step, time_bucket_s AS bucket, sum(visits) AS visits FROM agg_funnels_daily
       WHERE site_id = {site:String} AND funnel = {funnel:String} AND definition = {definition:String}
         AND filter_dimension = {fdim:String} AND filter_value = {fvalue:String} AND day BETWEEN {from:Date} AND {to:Date}
       GROUP BY step, bucket ORDER BY step, bucket`,
      { site: site.id, funnel: name, definition: funnelDefinition(funnel), fdim: filter?.dimension ?? '', fvalue: filter?.value ?? '', from: range.from, to: range.to },
    )
    const reached = funnel.steps.map((_, i) => Number(rows.find((r) => r.step === i + 1 && r.bucket === -1)?.visits ?? 0))
    const shown = (n: number) => (n < k ? null : n)
    const steps = funnel.steps.map((s, i): FunnelStepStats => {
      const here = reached[i]!
      const before = i === 0 ? here : reached[i - 1]!
      const visible = shown(here) !== null && shown(before) !== null && shown(reached[0]!) !== null
      const buckets = rows.filter((r) => r.step === i + 1 && r.bucket >= 0).map((r): [number, number] => [r.bucket, Number(r.visits)])
      return {
        step: i + 1,
        label: s.label,
        visits: shown(here),
        conversion: visible ? pct(here, reached[0]!) : null,
        dropOff: i === 0 ? null : visible ? pct(before - here, before) : null,
        medianSeconds: i === 0 || shown(here) === null ? null : bucketMedian(buckets),
      }
    })
    return { name, order: funnel.order, range, minGroupSize: k, dataFrom: funnel.dataFrom, steps }
  }
}
