import { MONTHLY_AGGREGATE_TABLES } from '@quiet-analytics/core'
import type { ClickHouseClient } from '@quiet-analytics/store'
import { replacePartition, StagedRows } from './replace-partition.ts'
import { settled } from './concurrency.ts'

const MONTHLY_SQL: Record<(typeof MONTHLY_AGGREGATE_TABLES)[number], string> = {
  agg_totals_monthly: `
    INSERT INTO agg_totals_monthly_staging
    SELECT site_id, {month:Date}, sum(visitors), sum(visits), sum(pageviews), sum(bounces), sum(duration_s), sum(events), sum(engagement_ms)
    FROM agg_totals_daily WHERE toStartOfMonth(day) = {month:Date} GROUP BY site_id`,
  agg_breakdown_monthly: `
    INSERT INTO agg_breakdown_monthly_staging
    SELECT site_id, {month:Date}, filter_dimension, filter_value, dimension, value,
      sum(visitors), sum(visits), sum(pageviews), sum(bounces), sum(duration_s), sum(events), sum(engagement_ms), sum(engagements)
    FROM agg_breakdown_daily WHERE toStartOfMonth(day) = {month:Date}
    GROUP BY site_id, filter_dimension, filter_value, dimension, value`,
  agg_events_monthly: `
    INSERT INTO agg_events_monthly_staging
    SELECT site_id, {month:Date}, kind, event, prop_key, prop_value, sum(visitors), sum(events)
    FROM agg_events_daily WHERE toStartOfMonth(day) = {month:Date}
    GROUP BY site_id, kind, event, prop_key, prop_value`,
}

/**
 * Rebuilds a month's sums from the daily aggregates (every site of that month) and
 * swaps them in, the three tables at once. Idempotent, like the daily rollup it follows.
 */
export async function rollupMonth(client: ClickHouseClient, day: string): Promise<void> {
  const month = `${day.slice(0, 7)}-01`
  const staged = new StagedRows(client)
  await settled(
    MONTHLY_AGGREGATE_TABLES.map(async (t) => {
      await client.command({ query: `ALTER TABLE ${t}_staging DROP PARTITION {month:Date}`, query_params: { month } })
      await staged.insert(t, MONTHLY_SQL[t], { month })
      await replacePartition(client, t, 'month', month, staged.of(t))
    }),
  )
}
