import type { ClickHouseClient } from '@quiet-analytics/store'

/**
 * Swaps a partition of `table` for the same partition of `${table}_staging`, atomically.
 * ClickHouse 26 refuses REPLACE PARTITION from an empty source (older servers did it
 * silently), so an empty staging partition means: drop the live one.
 */
export async function replacePartition(client: ClickHouseClient, table: string, column: 'day' | 'month', value: string): Promise<void> {
  const params = { p: value }
  const [row] = await (
    await client.query({ query: `SELECT count() AS n FROM ${table}_staging WHERE ${column} = {p:Date}`, query_params: params, format: 'JSONEachRow' })
  ).json<{ n: string }>()
  const query = Number(row?.n ?? 0) > 0 ? `ALTER TABLE ${table} REPLACE PARTITION {p:Date} FROM ${table}_staging` : `ALTER TABLE ${table} DROP PARTITION {p:Date}`
  await client.command({ query, query_params: params })
  await client.command({ query: `ALTER TABLE ${table}_staging DROP PARTITION {p:Date}`, query_params: params })
}
