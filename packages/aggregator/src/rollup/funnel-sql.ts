import { OTHER, type Funnel, type VisitDimension, DIMENSIONS } from '@qa/core'
import { pagePatternToRegex } from './aggregate-sql.ts'

/**
 * Seconds to the lower bound of their bucket: to the second under a minute, 10 s under
 * 10 minutes, a minute under an hour, 10 minutes beyond. Medians are read from these.
 */
export const TIME_BUCKET_SQL = (s: string) => `multiIf(${s} < 60, ${s}, ${s} < 600, intDiv(${s}, 10) * 10, ${s} < 3600, intDiv(${s}, 60) * 60, intDiv(${s}, 600) * 600)`

/** The same buckets in JS, for tests and the stats API's labels. */
export function timeBucket(seconds: number): number {
  if (seconds < 60) return seconds
  if (seconds < 600) return Math.floor(seconds / 10) * 10
  if (seconds < 3600) return Math.floor(seconds / 60) * 60
  return Math.floor(seconds / 600) * 600
}

/** Query parameters of one funnel's steps, as parallel arrays. */
export function funnelParams(funnel: Funnel): Record<string, unknown> {
  return {
    step_events: funnel.steps.map((s) => s.event ?? ''),
    step_pages: funnel.steps.map((s) => (s.page ? pagePatternToRegex(s.page) : '')),
    step_keys: funnel.steps.map((s) => s.property?.key ?? ''),
    step_values: funnel.steps.map((s) => s.property?.value ?? ''),
  }
}

/**
 * Positions p1..pn of the steps in a visit's ordered hits (0: not reached), as SELECT
 * expressions. Eventually: each step's first hit after the step before (the earliest
 * match leaves the most room for the next steps, so it reaches the furthest). Directly:
 * the longest run of consecutive hits that are the steps in order, the first such run.
 */
function positions(funnel: Funnel): string[] {
  const n = funnel.steps.length
  if (funnel.order === 'eventually') {
    return funnel.steps.map((_, i) =>
      i === 0 ? 'arrayFirstIndex(h -> h.2[1], hits) AS p1' : `if(p${i} = 0, 0, arrayFirstIndex((h, x) -> x > p${i} AND h.2[${i + 1}], hits, arrayEnumerate(hits))) AS p${i + 1}`,
    )
  }
  const run = `arrayMap((i, miss) -> if(hits[i].2[1], if(miss = 0, ${n}, miss - 1), 0), arrayEnumerate(hits), arrayMap(i -> arrayFirstIndex(j -> NOT hits[i + j - 1].2[j], range(1, ${n + 1})), arrayEnumerate(hits)))`
  return ['arrayMax(runs) AS best', 'indexOf(runs, best) AS start', `${run} AS runs`, ...funnel.steps.map((_, i) => `if(best >= ${i + 1}, start + ${i}, 0) AS p${i + 1}`)]
}

/**
 * One funnel over one site-day of the work table: per filter value (as the breakdowns
 * have them, small values folded into (other)), the visits that reached each step and
 * the time they took from the step before, bucketed. Pageviews and custom events are
 * the hits; engagement pings are not steps and do not break a "directly" run.
 */
export function funnelSql(funnel: Funnel, filterDimensions: readonly VisitDimension[]): string {
  const n = funnel.steps.length
  const steps = Array.from({ length: n }, (_, i) => i + 1)
  const match = `if({step_events:Array(String)}[i] != '',
      name = {step_events:Array(String)}[i] AND ({step_keys:Array(String)}[i] = '' OR props[{step_keys:Array(String)}[i]] = {step_values:Array(String)}[i]),
      name = 'pageview' AND match(path, {step_pages:Array(String)}[i]))`
  const filters = ["tuple('', '')", ...filterDimensions.map((f) => `tuple('${f}', ${DIMENSIONS[f].sql})`)].join(', ')
  const fv = "if(concat(f.1, '=', f.2) IN {small_filters:Array(String)}, '" + OTHER + "', f.2)"
  const level = steps.map((s) => `(p${s} > 0)`).join(' + ')
  const seconds = `[0, ${steps.slice(1).map((s) => `if(p${s} = 0, 0, intDiv(hits[p${s}].1 - hits[p${s - 1}].1, 1000))`).join(', ')}]`
  return `
INSERT INTO agg_funnels_daily_staging (site_id, day, funnel, definition, filter_dimension, filter_value, step, time_bucket_s, visits)
SELECT {site:String}, {day:Date}, {funnel:String}, {definition:String}, fdim, fv, sb.1 AS step, sb.2 AS bucket, count()
FROM (
  SELECT f.1 AS fdim, ${fv} AS fv, level, secs
  FROM (
    SELECT visitor_id, visit_no, any(fl) AS fls,
      arraySort(h -> h.1, groupArray((toUnixTimestamp64Milli(ts), m))) AS hits,
      ${positions(funnel).join(',\n      ')},
      toUInt8(${level}) AS level,
      ${seconds} AS secs
    FROM (
      SELECT visitor_id, visit_no, ts, [${filters}] AS fl, arrayMap(i -> ${match}, range(1, ${n + 1})) AS m
      FROM rollup_work
      WHERE site_id = {site:String} AND day = {day:Date} AND name != 'engagement'
    )
    GROUP BY visitor_id, visit_no
    HAVING level > 0
  )
  ARRAY JOIN fls AS f
)
ARRAY JOIN arrayConcat(arrayMap(s -> (toUInt8(s), toInt32(-1)), range(1, level + 1)), arrayMap(s -> (toUInt8(s), toInt32(${TIME_BUCKET_SQL('secs[s]')})), range(2, level + 1))) AS sb
GROUP BY fdim, fv, step, bucket`
}
