import { alterTarget, localName, type ClickHouseClient } from '@quiet-analytics/store'

/**
 * Keeps the TTL clause of raw_hits at the configured raw TTL plus one hour: a backstop
 * behind the purge, which normally drops partitions long before. Not materialised on
 * change, so adjusting it rewrites no data.
 */
export async function ensureRawTtl(client: ClickHouseClient, rawTtlHours: number, cluster?: string): Promise<boolean> {
  const hours = rawTtlHours + 1
  const [row] = await (
    await client.query({
      query: 'SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {t:String}',
      query_params: { t: cluster ? localName('raw_hits') : 'raw_hits' },
      format: 'JSONEachRow',
    })
  ).json<{ q: string }>()
  if (row?.q.includes(`toIntervalHour(${hours})`)) return false
  if (!Number.isInteger(hours)) throw new Error('raw TTL must be whole hours')
  await client.command({
    query: `ALTER TABLE ${alterTarget('raw_hits', cluster)} MODIFY TTL toDateTime(ts) + toIntervalHour(${hours})`,
    clickhouse_settings: { materialize_ttl_after_modify: 0 },
  })
  return true
}
