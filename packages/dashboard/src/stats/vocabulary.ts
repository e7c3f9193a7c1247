import { DIMENSION_NAMES, type Dimension } from '@qa/core'

/**
 * The statistics vocabulary: every metric once, as SQL over the aggregate tables (which
 * share the column names visitors, visits, pageviews, bounces, duration_s). Queries are
 * built from these names only; values always travel as server-side parameters.
 */
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

export function metricColumns(names: readonly Metric[] = METRIC_NAMES): string {
  return names.map((m) => `${METRICS[m]} AS ${m}`).join(', ')
}

/** Dimensions the breakdown table holds: the vocabulary of core, by name. */
export const DIMENSIONS = DIMENSION_NAMES

export type DashboardDimension = Dimension
