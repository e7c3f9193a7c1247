import type { Site } from '@quiet-analytics/core'
import { type SaltStore } from '@quiet-analytics/store'

/**
 * Keeps the salts of the current day in memory. A miss goes to the store; concurrent
 * misses share one lookup. The aggregator makes each salt ahead of time: a collector
 * that finds none creates it as a fallback (race-safe and logged in SaltStore), and
 * says so through `onFallback`, since it means no aggregator is running.
 */
export class SaltCache {
  private readonly salts = new Map<string, Buffer | Promise<Buffer>>()

  constructor(
    private readonly store: SaltStore,
    private readonly onFallback: (siteId: string, day: string) => void = () => undefined,
  ) {}

  get(site: Site, day: string): Buffer | Promise<Buffer> {
    const key = `${site.id}|${day}`
    const hit = this.salts.get(key)
    if (hit) return hit
    const pending = this.store.ensure(site.id, day, 'collector').then(
      ({ salt, created }) => {
        if (created) this.onFallback(site.id, day)
        this.salts.set(key, salt)
        this.evictBefore(day)
        return salt
      },
      (err: unknown) => {
        this.salts.delete(key)
        throw err
      },
    )
    this.salts.set(key, pending)
    return pending
  }

  /** Loads today's salt of each site before the first event needs it. */
  async prepare(sites: readonly Site[], today: (site: Site) => string): Promise<void> {
    for (const site of sites) await this.get(site, today(site))
  }

  /** Forgets salts of days before `day`: a destroyed salt must not live on in memory. */
  private evictBefore(day: string): void {
    for (const key of this.salts.keys()) if (key.slice(key.lastIndexOf('|') + 1) < day) this.salts.delete(key)
  }
}
