/**
 * The metrics vocabulary, as SQL. Hits are pageviews, engagement pings, and custom events
 * (every other name); the rollup counts them over rollup_work with HIT_SQL, and every
 * aggregate table stores the sums under the same column names, which METRICS combines
 * across rows: counts add up, ratios are recomputed from the summed counts (never
 * averaged from rounded ratios).
 */
export const EVENT_KINDS = {
  pageview: "name = 'pageview'",
  engagement: "name = 'engagement'",
  custom: "name NOT IN ('pageview', 'engagement')",
} as const

/** Per-hit counts and sums over rows of rollup_work (or a window over them). */
export const HIT_SQL = {
  pageviews: `countIf(${EVENT_KINDS.pageview})`,
  events: `countIf(${EVENT_KINDS.custom})`,
  engagementMs: `sumIf(engagement_ms, ${EVENT_KINDS.engagement})`,
  engagements: `countIf(${EVENT_KINDS.engagement})`,
} as const

/** The dashboard's metrics over stored aggregate rows (columns visitors, visits, pageviews, bounces, duration_s). */
export const METRICS = {
  visitors: 'sum(visitors)',
  visits: 'sum(visits)',
  pageviews: 'sum(pageviews)',
  views_per_visit: 'round(if(sum(visits) = 0, 0, sum(pageviews) / sum(visits)), 2)',
  bounce_rate: 'round(if(sum(visits) = 0, 0, 100 * sum(bounces) / sum(visits)), 1)',
  visit_duration: 'round(if(sum(visits) = 0, 0, sum(duration_s) / sum(visits)))',
} as const

export type Metric = keyof typeof METRICS
export const METRIC_NAMES = Object.keys(METRICS) as Metric[]

/** `sum(visitors) AS visitors, ...`: the metrics as SELECT columns. */
export function metricColumns(names: readonly Metric[] = METRIC_NAMES): string {
  return names.map((m) => `${METRICS[m]} AS ${m}`).join(', ')
}
