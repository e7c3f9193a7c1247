import { randomBytes } from 'node:crypto'
import type { ClickHouseClient } from '@clickhouse/client'

/** Who creates a salt: the aggregator ahead of time, or a collector that found none. */
export type SaltActor = 'aggregator' | 'collector'

/**
 * Salts live in the store so every collector instance shares them. Creation is
 * race-safe without locks: each writer inserts a candidate, then everybody uses the
 * least (created_at, salt) candidate of the day, so readers converge on one salt.
 * Every creation is logged in salt_log with its actor, whoever made it.
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

  /** Returns the day's salt, creating (and logging) a candidate first when none exists, and says whether this call did. */
  async ensure(siteId: string, day: string, actor: SaltActor): Promise<{ salt: Buffer; created: boolean }> {
    const existing = await this.get(siteId, day)
    if (existing) return { salt: existing, created: false }
    await this.client.insert({
      table: 'salts',
      values: [{ site_id: siteId, day, salt: randomBytes(32).toString('hex'), created_at: this.now() }],
      format: 'JSONEachRow',
    })
    const chosen = await this.get(siteId, day)
    if (!chosen) throw new Error(`salt for site ${siteId} day ${day} not readable after insert`)
    await this.client.insert({ table: 'salt_log', values: [{ at: this.now(), site_id: siteId, day, action: 'created', actor }], format: 'JSONEachRow' })
    return { salt: chosen, created: true }
  }

  /** Every stored salt day per site (never the salts themselves). */
  async days(): Promise<{ siteId: string; day: string }[]> {
    const rows = await (
      await this.client.query({ query: 'SELECT DISTINCT site_id, toString(day) AS day FROM salts ORDER BY day, site_id', format: 'JSONEachRow' })
    ).json<{ site_id: string; day: string }>()
    return rows.map((r) => ({ siteId: r.site_id, day: r.day }))
  }
}
