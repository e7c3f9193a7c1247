import { DIMENSIONS, EVENT_KINDS, HIT_SQL, OTHER, VISIT_DIMENSION_NAMES, type Dimension, type VisitDimension } from '@quiet-analytics/core'

const WORK = 'rollup_work WHERE site_id = {site:String} AND day = {day:Date}'
const THIS_DAY = 'site_id = {site:String} AND day = {day:Date}'

/**
 * One number per visit, exact (the visitor's and the visit's 32-bit numbers side by
 * side): counting distinct numbers is far cheaper than counting distinct pairs.
 */
const VISIT_KEY = 'bitOr(bitShiftLeft(toUInt64(visitor_no), 32), visit_no)'

/** The metrics every aggregate row carries, over rollup_work rows. */
const METRICS = `
  uniqExact(visitor_no) AS visitors,
  uniqExact(${VISIT_KEY}) AS visits,
  ${HIT_SQL.pageviews} AS pageviews,
  countIf(first_in_visit = 1 AND v_bounce = 1) AS bounces,
  sumIf(v_duration_s, first_in_visit = 1) AS duration_s,
  ${HIT_SQL.events} AS events,
  ${HIT_SQL.engagementMs} AS engagement_ms`

export const TOTALS_DAILY_SQL = `
INSERT INTO agg_totals_daily_staging (site_id, day, visitors, visits, pageviews, bounces, duration_s, events, engagement_ms)
SELECT {site:String}, {day:Date}, ${METRICS}
FROM ${WORK}
HAVING visitors > 0`

/** Visits count in the hour they started; visitors are exact per hour. */
export const TOTALS_HOURLY_SQL = `
INSERT INTO agg_totals_hourly_staging (site_id, day, hour, visitors, visits, pageviews, bounces, duration_s, events, engagement_ms)
SELECT {site:String}, {day:Date}, toStartOfHour(ts, {tz:String}) AS h,
  uniqExact(visitor_no), countIf(first_in_visit = 1), ${HIT_SQL.pageviews},
  countIf(first_in_visit = 1 AND v_bounce = 1), sumIf(v_duration_s, first_in_visit = 1),
  ${HIT_SQL.events}, ${HIT_SQL.engagementMs}
FROM ${WORK}
GROUP BY h`

function tupleList(names: readonly Dimension[]): string {
  return names.map((n) => `tuple('${n}', ${DIMENSIONS[n].sql})`).join(', ')
}

/**
 * Filter values with fewer than k visitors: they are folded into (other) before the
 * pairs are counted, so a pair row never names a value too small to show.
 */
export function smallFilterValuesSql(filterDimensions: readonly VisitDimension[]): string | undefined {
  if (filterDimensions.length === 0) return undefined
  return `
SELECT d.1 AS dim, d.2 AS val
FROM rollup_work
ARRAY JOIN [${tupleList(filterDimensions)}] AS d
WHERE ${THIS_DAY} AND first_in_visit = 1
GROUP BY dim, val
HAVING uniqExact(visitor_no) < {k:UInt32}`
}

/** Visit dimensions by number (1-based) in the breakdown's keys; 0 is no filter, PAGE_DIM the page. */
const PAGE_DIM = 255
const visitDimNumber = (d: VisitDimension) => VISIT_DIMENSION_NAMES.indexOf(d) + 1
const VISIT_DIM_NAMES_SQL = `[${VISIT_DIMENSION_NAMES.map((n) => `'${n}'`).join(', ')}]`

/**
 * A group's key as one 64-bit number: the dimension's number in the top byte, a 56-bit
 * hash of the value below. Two keys fit the aggregation's fastest fixed-size hash
 * table; two values of one dimension share a key with odds of n²/2⁵⁷ for n values a
 * day (under one in a million for a hundred thousand pages).
 */
const groupKey = (dim: string | number, value: string) => `bitOr(bitShiftLeft(toUInt64(${dim}), 56), bitAnd(sipHash64(${value}), 0x00FFFFFFFFFFFFFF))`
const dimNameOfKey = (k: string) => `multiIf(bitShiftRight(${k}, 56) AS n_${k} = 0, '', n_${k} = ${PAGE_DIM}, 'page', ${VISIT_DIM_NAMES_SQL}[n_${k}])`

/**
 * Every dimension, plain (filter_dimension = '') and paired with each filter
 * dimension, in one pass: visit dimensions over one row per visit, pages over their
 * hits. Groups keep their exact visitor sets (uniqExactState) so that rows under k
 * fold into an (other) row whose visitors are still exact. No stored row describes a
 * group smaller than k except (other) itself, which names no value.
 *
 * Groups are keyed by numbers (groupKey), computed once per visit before the visit is
 * repeated for each filter; the text of each value is carried beside its key. Only
 * the visitor sets of groups that fold are merged: a group kept whole is its own count.
 * A visitor with one visit that day has one value of each visit dimension and filter,
 * so lies in exactly one group of each: such visitors are counted (n1) instead of put
 * in the sets, and the counts of folding groups add up without double counting. Pages
 * keep every visitor in the set: one visit may see several pages.
 */
export function breakdownSql(filterDimensions: readonly VisitDimension[]): string {
  const visitDims = VISIT_DIMENSION_NAMES.map((n) => `tuple(${visitDimNumber(n)}, ${DIMENSIONS[n].sql})`).join(', ')
  // A filter carries its name too, for the small-value test below.
  const filters = ["tuple(0, '', '')", ...filterDimensions.map((f) => `tuple(${visitDimNumber(f)}, '${f}', ${DIMENSIONS[f].sql})`)].join(', ')
  // Small filter values arrive as "dimension=value" keys; dimension names contain no "=".
  const fv = `if(concat(f.2, '=', f.3) IN {small_filters:Array(String)}, '${OTHER}', f.3)`
  return `
INSERT INTO agg_breakdown_daily_staging
  (site_id, day, filter_dimension, filter_value, dimension, value, visitors, visits, pageviews, bounces, duration_s, events, engagement_ms, engagements)
SELECT {site:String}, {day:Date}, ${dimNameOfKey('fk')}, any(fv), ${dimNameOfKey('gk')}, any(if(small, '${OTHER}', val)),
  if(small, uniqExactMergeIf(st, small) + sum(n1), sum(n)), sum(visits), sum(pageviews), sum(bounces), sum(duration_s), sum(events), sum(engagement_ms), sum(engagements)
FROM (
  SELECT fk, d.3 AS vk, any(fvt) AS fv, any(d.2) AS val, uniqExactStateIf(visitor_no, visitor_visits > 1) AS st, countIf(visitor_visits = 1) AS n1,
    count() AS visits, sum(v_pageviews) AS pageviews, sum(v_bounce) AS bounces, sum(v_duration_s) AS duration_s,
    sum(v_events) AS events, sum(v_engagement_ms) AS engagement_ms, sum(v_engagements) AS engagements
  FROM (
    -- The filter value is decided once per visit and filter, not once per dimension too.
    SELECT visitor_no, visitor_visits, v_pageviews, v_bounce, v_duration_s, v_events, v_engagement_ms, v_engagements, dims, f.1 AS fi, ${fv} AS fvt, ${groupKey('fi', 'fvt')} AS fk
    FROM (
      SELECT *, arrayMap(t -> tuple(t.1, t.2, ${groupKey('t.1', 't.2')}), [${visitDims}]) AS dims
      FROM rollup_work WHERE ${THIS_DAY} AND first_in_visit = 1
    )
    ARRAY JOIN [${filters}] AS f
  )
  ARRAY JOIN dims AS d
  WHERE fi != d.1
  GROUP BY fk, vk
  UNION ALL
  SELECT ${groupKey('f.1', fv)} AS fk, ${groupKey(PAGE_DIM, DIMENSIONS.page.sql)} AS vk, any(${fv}) AS fv, any(${DIMENSIONS.page.sql}) AS val,
    uniqExactState(visitor_no) AS st, 0 AS n1, uniqExact(${VISIT_KEY}) AS visits, ${HIT_SQL.pageviews} AS pageviews,
    countIf(first_in_visit = 1 AND v_bounce = 1) AS bounces, sumIf(v_duration_s, first_in_visit = 1) AS duration_s, 0 AS events,
    ${HIT_SQL.engagementMs} AS engagement_ms, ${HIT_SQL.engagements} AS engagements
  FROM rollup_work
  ARRAY JOIN [${filters}] AS f
  WHERE ${THIS_DAY} AND name IN ('pageview', 'engagement')
  GROUP BY fk, vk
)
-- A folded group keeps only its dimension's byte of the key.
GROUP BY fk, (finalizeAggregation(st) + n1 AS n) < {k:UInt32} AS small, if(small, bitAnd(vk, 0xFF00000000000000), vk) AS gk`
}

/**
 * Custom events with their props and goal conversions. Event names are sent by
 * visitors' browsers, so a name seen by fewer than k visitors that day folds into
 * (other), without its props; prop values fold the same way.
 * Goals arrive as parallel arrays: name, event ('' if a page goal), page regex ('' if
 * an event goal).
 */
export const EVENTS_SQL = `
INSERT INTO agg_events_daily_staging (site_id, day, kind, event, prop_key, prop_value, visitors, events)
SELECT {site:String}, {day:Date}, 'event', ev, pk, pv2, uniqExact(visitor_no), count()
FROM (
  SELECT *,
    if(uniqExact(visitor_no) OVER (PARTITION BY name) < {k:UInt32}, '${OTHER}', name) AS ev,
    if(pk != '' AND uniqExact(visitor_no) OVER (PARTITION BY name, pk, pv) < {k:UInt32}, '${OTHER}', pv) AS pv2
  FROM (
    SELECT visitor_no, name, kv.1 AS pk, kv.2 AS pv
    FROM rollup_work
    ARRAY JOIN arrayConcat([tuple('', '')], arrayZip(mapKeys(props), mapValues(props))) AS kv
    WHERE ${THIS_DAY} AND ${EVENT_KINDS.custom}
  )
)
WHERE ev != '${OTHER}' OR pk = ''
GROUP BY ev, pk, pv2`

export const GOALS_SQL = `
INSERT INTO agg_events_daily_staging (site_id, day, kind, event, prop_key, prop_value, visitors, events)
SELECT {site:String}, {day:Date}, 'goal', {goal_names:Array(String)}[i] AS goal, '', '', uniqExact(visitor_no), count()
FROM rollup_work
ARRAY JOIN arrayEnumerate({goal_names:Array(String)}) AS i
WHERE ${THIS_DAY} AND (({goal_events:Array(String)}[i] != '' AND name = {goal_events:Array(String)}[i])
   OR ({goal_pages:Array(String)}[i] != '' AND name = 'pageview' AND match(path, {goal_pages:Array(String)}[i])))
GROUP BY goal`

/** Page goal pattern ("/blog/*") to an anchored regex. */
export function pagePatternToRegex(pattern: string): string {
  return `^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`
}
