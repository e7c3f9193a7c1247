import { DIMENSIONS, funnelDefinition, OTHER, type Funnel, type VisitDimension } from '@quiet-analytics/core'
import { pagePatternToRegex } from './aggregate-sql.ts'

/**
 * Seconds to the lower bound of their bucket: to the second under a minute, 10 s under
 * 10 minutes, a minute under an hour, 10 minutes beyond. Medians are read from these.
 */
export const TIME_BUCKET_SQL = (s: string) => `multiIf(${s} < 60, ${s}, ${s} < 600, intDiv(${s}, 10) * 10, ${s} < 3600, intDiv(${s}, 60) * 60, intDiv(${s}, 600) * 600)`

/**
 * Query parameters of a site's funnels: names and definitions, and every step of every
 * funnel in one flat list (funnel k's steps follow funnel k-1's), as parallel arrays.
 */
export function funnelsParams(funnels: readonly Funnel[]): Record<string, unknown> {
  const steps = funnels.flatMap((f) => f.steps)
  return {
    funnel_names: funnels.map((f) => f.name),
    funnel_definitions: funnels.map(funnelDefinition),
    step_events: steps.map((s) => s.event ?? ''),
    step_pages: steps.map((s) => (s.page ? pagePatternToRegex(s.page) : '')),
    step_keys: steps.map((s) => s.property?.key ?? ''),
    step_values: steps.map((s) => s.property?.value ?? ''),
  }
}

/**
 * Positions f{k}p1..f{k}pn of funnel k's steps in a visit's ordered hits (0: not
 * reached), as SELECT expressions; step j of the funnel is match `offset + j` of a hit.
 * Eventually: each step's first hit after the step before (the earliest match leaves
 * the most room for the next steps, so it reaches the furthest). Directly: the longest
 * run of consecutive hits that are the steps in order, the first such run.
 */
function positions(funnel: Funnel, k: number, offset: number): string[] {
  const n = funnel.steps.length
  const p = (j: number) => `f${k}p${j}`
  if (funnel.order === 'eventually') {
    return funnel.steps.map((_, i) =>
      i === 0
        ? `arrayFirstIndex(h -> h.2[${offset + 1}], hits) AS ${p(1)}`
        : `if(${p(i)} = 0, 0, arrayFirstIndex((h, x) -> x > ${p(i)} AND h.2[${offset + i + 1}], hits, arrayEnumerate(hits))) AS ${p(i + 1)}`,
    )
  }
  // Element i of step j's column says whether hit i + j - 1 matches step j: a run starting
  // at hit i is the count of leading matches across the columns. Each lambda reads only
  // its own elements: a lambda that indexed into hits would get a copy of hits per hit.
  const steps = funnel.steps.map((_, i) => i + 1)
  const column = (j: number) => `arrayResize(arraySlice(arrayMap(h -> h.2[${offset + j}], hits), ${j}), length(hits), 0)`
  const leading = (j: number): string => (j > n ? `${n}` : `if(s${j}, ${leading(j + 1)}, ${j - 1})`)
  const runs = `arrayMap((${steps.map((j) => `s${j}`).join(', ')}) -> ${leading(1)}, ${steps.map(column).join(', ')})`
  return [`${runs} AS f${k}runs`, `arrayMax(f${k}runs) AS f${k}best`, `indexOf(f${k}runs, f${k}best) AS f${k}start`, ...funnel.steps.map((_, i) => `if(f${k}best >= ${i + 1}, f${k}start + ${i}, 0) AS ${p(i + 1)}`)]
}

/** Funnel k's reach and step times in a visit, as a (funnel index, level, seconds from the step before) tuple. */
function outcome(funnel: Funnel, k: number): string {
  const steps = funnel.steps.map((_, i) => i + 1)
  const p = (j: number) => `f${k}p${j}`
  const level = steps.map((j) => `(${p(j)} > 0)`).join(' + ')
  const seconds = ['toInt64(0)', ...steps.slice(1).map((j) => `toInt64(if(${p(j)} = 0, 0, intDiv(hits[${p(j)}].1 - hits[${p(j - 1)}].1, 1000)))`)]
  return `tuple(toUInt8(${k + 1}), toUInt8(${level}), [${seconds.join(', ')}])`
}

/**
 * Every funnel of a site over one site-day of the work table, in one pass: each visit's
 * hits are gathered and ordered once, then every funnel is walked over them. Per filter
 * value (as the breakdowns have them, small values folded into (other)): the visits
 * that reached each step, and the time they took from the step before, bucketed.
 * Pageviews and custom events are the hits; engagement pings are not steps and do not
 * break a "directly" run.
 */
export function funnelsSql(funnels: readonly Funnel[], filterDimensions: readonly VisitDimension[]): string {
  const total = funnels.reduce((n, f) => n + f.steps.length, 0)
  const offsets = funnels.map((_, k) => funnels.slice(0, k).reduce((n, f) => n + f.steps.length, 0))
  const match = `if({step_events:Array(String)}[i] != '',
      name = {step_events:Array(String)}[i] AND ({step_keys:Array(String)}[i] = '' OR props[{step_keys:Array(String)}[i]] = {step_values:Array(String)}[i]),
      name = 'pageview' AND match(path, {step_pages:Array(String)}[i]))`
  const filters = ["tuple('', '')", ...filterDimensions.map((f) => `tuple('${f}', ${DIMENSIONS[f].sql})`)].join(', ')
  // A filter value is kept if the day's breakdown, staged just before, kept it: the small ones are decided once, there.
  const fv = `if(f.1 = '' OR (f.1, f.2) IN (SELECT DISTINCT filter_dimension, filter_value FROM agg_breakdown_daily_staging WHERE site_id = {site:String} AND day = {day:Date}), f.2, '${OTHER}')`
  return `
INSERT INTO agg_funnels_daily_staging (site_id, day, funnel, definition, filter_dimension, filter_value, step, time_bucket_s, visits)
SELECT {site:String}, {day:Date}, {funnel_names:Array(String)}[o.1] AS funnel, {funnel_definitions:Array(String)}[o.1] AS definition,
  fdim, fv, sb.1 AS step, sb.2 AS bucket, count()
FROM (
  SELECT f.1 AS fdim, ${fv} AS fv, o
  FROM (
    SELECT visitor_no, visit_no, any(fl) AS fls,
      arraySort(h -> h.1, groupArray((toUnixTimestamp64Milli(ts), m))) AS hits,
      ${funnels.flatMap((f, k) => positions(f, k, offsets[k]!)).join(',\n      ')},
      arrayFilter(o -> o.2 > 0, [${funnels.map((f, k) => outcome(f, k)).join(', ')}]) AS outcomes
    FROM (
      SELECT visitor_no, visit_no, ts, [${filters}] AS fl, arrayMap(i -> ${match}, range(1, ${total + 1})) AS m
      FROM rollup_work
      WHERE site_id = {site:String} AND day = {day:Date} AND name != 'engagement'
    )
    GROUP BY visitor_no, visit_no
    HAVING length(outcomes) > 0
  )
  ARRAY JOIN fls AS f
  ARRAY JOIN outcomes AS o
)
ARRAY JOIN arrayConcat(arrayMap(s -> (toUInt8(s), toInt32(-1)), range(1, o.2 + 1)), arrayMap(s -> (toUInt8(s), toInt32(${TIME_BUCKET_SQL('o.3[s]')})), range(2, o.2 + 1))) AS sb
GROUP BY funnel, definition, fdim, fv, step, bucket`
}
