import type { ClickHouseClient } from '@quiet-analytics/store'

/**
 * Visitors active in the five minutes up to each of the last 60 minutes, per site:
 * the dashboard's "current visitors" reads this, never raw rows.
 */
export async function rollupRealtime(client: ClickHouseClient, now: number): Promise<void> {
  const minute = Math.floor(now / 60_000) * 60
  await client.command({
    query: `
INSERT INTO agg_realtime (site_id, minute, visitors_5m, pageviews, computed_at)
SELECT site_id, m, uniqExact(visitor_id), countIf(name = 'pageview' AND toStartOfMinute(ts) = m), {now:DateTime64(3, 'UTC')}
FROM raw_hits
ARRAY JOIN arrayMap(i -> toStartOfMinute(ts) + toIntervalMinute(i), range(5)) AS m
WHERE ts >= toDateTime({from:UInt32}, 'UTC') AND m >= toDateTime({first:UInt32}, 'UTC') AND m <= toDateTime({last:UInt32}, 'UTC')
GROUP BY site_id, m`,
    query_params: { now, from: minute - 64 * 60, first: minute - 60 * 60, last: minute },
  })
}
