import { DIMENSIONS, EVENT_KINDS, HIT_SQL, OTHER, VISIT_DIMENSION_NAMES, type VisitDimension } from '@quiet-analytics/core'
import { dimNameOfKey, foldedFilterKey, groupKey, isOtherKey, PAGE_DIM, visitDimNumber, withSmallFilterKeys } from './group-key.ts'

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

/**
 * Every dimension, plain (filter_dimension = '') and paired with each filter
 * dimension, in one pass: visit dimensions over one row per visit, pages over their
 * hits. Groups keep their exact visitor sets (uniqExactState) so that rows under k
 * fold into an (other) row whose visitors are still exact. No stored row describes a
 * group smaller than k except (other) itself, which names no value.
 *
 * Only numbers go through the fan-out (visits x filters x dimensions, millions of rows
 * a day): each value is keyed once per visit (groupKey), and the text of the keys that
 * survive is looked up once per stored row at the end. Only the visitor sets of groups
 * that fold are merged: a group kept whole is its own count. A visitor with one visit
 * that day has one value of each visit dimension and filter, so lies in exactly one
 * group of each: such visitors are counted (n1) instead of put in the sets, and the
 * counts of folding groups add up without double counting. Pages keep every visitor in
 * the set (one visit may see several pages), once per visit: a page's first hit in a
 * visit (page_first) stands for the visit.
 */
export function breakdownSql(filterDimensions: readonly VisitDimension[]): string {
  const keyOf = (d: VisitDimension) => groupKey(visitDimNumber(d), DIMENSIONS[d].sql)
  // Visit dimension n's key is element n: a filter's key is read from the same array.
  const visitKeys = `[${VISIT_DIMENSION_NAMES.map(keyOf).join(', ')}]`
  // Key 0 is no filter: every dimension plain.
  const visitFilterKeys = `[${['toUInt64(0)', ...filterDimensions.map((f) => `keys[${visitDimNumber(f)}]`)].join(', ')}]`
  const hitFilterKeys = `[${['toUInt64(0)', ...filterDimensions.map(keyOf)].join(', ')}]`
  const fk = filterDimensions.length > 0 ? foldedFilterKey('k') : 'k'
  const texts = (dims: readonly VisitDimension[], pages: boolean) => `(
    SELECT k, any(t) AS t FROM (
      SELECT kt.1 AS k, kt.2 AS t FROM rollup_work
      ARRAY JOIN [${dims.map((d) => `tuple(${keyOf(d)}, ${DIMENSIONS[d].sql})`).join(', ')}] AS kt
      WHERE ${THIS_DAY} AND first_in_visit = 1${
        pages
          ? `
      UNION ALL
      SELECT ${groupKey(PAGE_DIM, DIMENSIONS.page.sql)}, ${DIMENSIONS.page.sql} FROM rollup_work WHERE ${THIS_DAY} AND name IN ('pageview', 'engagement')`
          : ''
      }
    )
    GROUP BY k)`
  const filterText = filterDimensions.length > 0 ? `if(fk = 0, '', if(${isOtherKey('fk')}, '${OTHER}', ft.t))` : "''"
  return `
INSERT INTO agg_breakdown_daily_staging
  (site_id, day, filter_dimension, filter_value, dimension, value, visitors, visits, pageviews, bounces, duration_s, events, engagement_ms, engagements)
${withSmallFilterKeys(filterDimensions)}
SELECT {site:String}, {day:Date}, ${dimNameOfKey('fk')}, ${filterText}, ${dimNameOfKey('gk')}, if(small, '${OTHER}', vt.t),
  visitors, visits, pageviews, bounces, duration_s, events, engagement_ms, engagements
FROM (
  SELECT fk, small, gk,
    if(small, uniqExactMergeIf(st, small) + sum(n1), sum(n)) AS visitors, sum(visits) AS visits, sum(pageviews) AS pageviews, sum(bounces) AS bounces,
    sum(duration_s) AS duration_s, sum(events) AS events, sum(engagement_ms) AS engagement_ms, sum(engagements) AS engagements
  FROM (
    SELECT fk, vk, uniqExactStateIf(visitor_no, visitor_visits > 1) AS st, countIf(visitor_visits = 1) AS n1,
      count() AS visits, sum(v_pageviews) AS pageviews, sum(v_bounce) AS bounces, sum(v_duration_s) AS duration_s,
      sum(v_events) AS events, sum(v_engagement_ms) AS engagement_ms, sum(v_engagements) AS engagements
    FROM (
      SELECT visitor_no, visitor_visits, v_pageviews, v_bounce, v_duration_s, v_events, v_engagement_ms, v_engagements, keys, ${fk} AS fk
      FROM (
        SELECT visitor_no, visitor_visits, v_pageviews, v_bounce, v_duration_s, v_events, v_engagement_ms, v_engagements, ${visitKeys} AS keys
        FROM rollup_work WHERE ${THIS_DAY} AND first_in_visit = 1
      )
      ARRAY JOIN ${visitFilterKeys} AS k
    )
    ARRAY JOIN keys AS vk
    WHERE bitShiftRight(fk, 56) != bitShiftRight(vk, 56)
    GROUP BY fk, vk
    UNION ALL
    SELECT fk, vk, uniqExactStateIf(visitor_no, page_first = 1) AS st, 0 AS n1, countIf(page_first = 1) AS visits,
      ${HIT_SQL.pageviews} AS pageviews, countIf(first_in_visit = 1 AND v_bounce = 1) AS bounces, sumIf(v_duration_s, first_in_visit = 1) AS duration_s,
      0 AS events, ${HIT_SQL.engagementMs} AS engagement_ms, ${HIT_SQL.engagements} AS engagements
    FROM (
      SELECT visitor_no, page_first, name, engagement_ms, first_in_visit, v_bounce, v_duration_s, ${fk} AS fk, ${groupKey(PAGE_DIM, DIMENSIONS.page.sql)} AS vk
      FROM rollup_work
      ARRAY JOIN ${hitFilterKeys} AS k
      WHERE ${THIS_DAY} AND name IN ('pageview', 'engagement')
    )
    GROUP BY fk, vk
  )
  -- A folded group keeps only its dimension's byte of the key.
  GROUP BY fk, (finalizeAggregation(st) + n1 AS n) < {k:UInt32} AS small, if(small, bitAnd(vk, 0xFF00000000000000), vk) AS gk
) AS g
${filterDimensions.length > 0 ? `LEFT JOIN ${texts(filterDimensions, false)} AS ft ON g.fk = ft.k\n` : ''}LEFT JOIN ${texts(VISIT_DIMENSION_NAMES, true)} AS vt ON g.gk = vt.k`
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
