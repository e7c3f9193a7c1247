import { randomBytes } from 'node:crypto'
import type { ClickHouseClient } from '@clickhouse/client'

/**
 * Salts live in the store so every collector instance shares them. Creation is
 * race-safe without locks: each writer inserts a candidate, then everybody uses the
 * least (created_at, salt) candidate of the day, so readers converge on one salt.
 */
export class SaltStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly now: () => number,
  ) {}

  async get(siteId: string, day: string): Promise<Buffer | undefined> {
    const rows = await (
      await this.client.query({
        query: `SELECT salt FROM salts WHERE site_id = {site:String} AND day = {day:Date}
                ORDER BY created_at, salt LIMIT 1`,
        query_params: { site: siteId, day },
        format: 'JSONEachRow',
      })
    ).json<{ salt: string }>()
    return rows[0] ? Buffer.from(rows[0].salt, 'hex') : undefined
  }

  /** Returns the day's salt, creating a candidate first when none exists. */
  async getOrCreate(siteId: string, day: string): Promise<Buffer> {
    const existing = await this.get(siteId, day)
    if (existing) return existing
    await this.client.insert({
      table: 'salts',
      values: [{ site_id: siteId, day, salt: randomBytes(32).toString('hex'), created_at: this.now() }],
      format: 'JSONEachRow',
    })
    const chosen = await this.get(siteId, day)
    if (!chosen) throw new Error(`salt for site ${siteId} day ${day} not readable after insert`)
    return chosen
  }
}
