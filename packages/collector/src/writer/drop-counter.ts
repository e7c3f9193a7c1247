import type { ClickHouseClient } from '@quiet-analytics/store'
import type { IngestDropReason } from '@quiet-analytics/core'
import type { DropReason } from '../pipeline/process-event.ts'

/**
 * Counts refused events per site, minute and reason, and writes the counts (never
 * the events) to ingest_drops. Counts survive a failed write and go out next time.
 */
export class DropCounter {
  private counts = new Map<string, number>()
  readonly totals: Record<Exclude<IngestDropReason, 'late'>, number> = { bot: 0, consent: 0, rate_limited: 0, undeclared_event: 0, invalid: 0 }

  constructor(
    private readonly client: ClickHouseClient,
    private readonly now: () => number,
  ) {}

  count(siteId: string, reason: DropReason | 'invalid'): void {
    this.totals[reason]++
    const minute = Math.floor(this.now() / 60_000) * 60
    const key = `${siteId}\u0000${minute}\u0000${reason}`
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
  }

  /** An invalid event is counted per site when it names a configured one. */
  countInvalid(siteId: string | undefined): void {
    if (siteId === undefined) this.totals.invalid++
    else this.count(siteId, 'invalid')
  }

  async flush(): Promise<void> {
    if (this.counts.size === 0) return
    const pending = this.counts
    this.counts = new Map()
    const values = [...pending].map(([key, events]) => {
      const [site_id, minute, reason] = key.split('\u0000')
      return { site_id, minute: Number(minute), reason, events }
    })
    try {
      await this.client.insert({ table: 'ingest_drops', values, format: 'JSONEachRow' })
    } catch (err) {
      for (const [k, v] of pending) this.counts.set(k, (this.counts.get(k) ?? 0) + v)
      throw err
    }
  }
}
