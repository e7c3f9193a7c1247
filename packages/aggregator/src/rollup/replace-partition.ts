import type { ClickHouseClient } from '@quiet-analytics/store'

/**
 * Rows written into the *_staging twins, per table, as the engine reports them for each
 * INSERT: the swap then needs no count of its own.
 */
export class StagedRows {
  private readonly rows = new Map<string, number>()

  constructor(private readonly client: ClickHouseClient) {}

  /**
   * Runs an INSERT into `${table}_staging` and adds the rows it wrote. A rerun stages the
   * same rows as the run before: a Replicated staging table must not drop them as a
   * duplicate insert.
   */
  async insert(table: string, query: string, params: Record<string, unknown>): Promise<void> {
    const { summary } = await this.client.command({ query, query_params: params, clickhouse_settings: { insert_deduplicate: 0 } })
    const written = summary ? Number(summary.written_rows) : Number.NaN
    this.rows.set(table, (this.rows.get(table) ?? 0) + written)
  }

  /** The rows staged for a table, or undefined if the engine did not say. */
  of(table: string): number | undefined {
    const n = this.rows.get(table) ?? 0
    return Number.isFinite(n) ? n : undefined
  }
}

/**
 * Swaps a partition of `table` for the same partition of `${table}_staging`, atomically.
 * ClickHouse 26 refuses REPLACE PARTITION from an empty source (older servers did it
 * silently), so an empty staging partition means: drop the live one. Whether it is
 * empty comes from the rows staged, or from a count when the engine did not report them.
 */
export async function replacePartition(client: ClickHouseClient, table: string, column: 'day' | 'month', value: string, staged: number | undefined): Promise<void> {
  const params = { p: value }
  const rows = staged ?? Number((await (await client.query({ query: `SELECT count() AS n FROM ${table}_staging WHERE ${column} = {p:Date}`, query_params: params, format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n ?? 0)
  const query = rows > 0 ? `ALTER TABLE ${table} REPLACE PARTITION {p:Date} FROM ${table}_staging` : `ALTER TABLE ${table} DROP PARTITION {p:Date}`
  await client.command({ query, query_params: params })
  await client.command({ query: `ALTER TABLE ${table}_staging DROP PARTITION {p:Date}`, query_params: params })
}
