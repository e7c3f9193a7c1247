import { nextDay, type Site } from '@qa/core'
import { type SaltStore } from '@qa/store'

/**
 * Keeps the salts of the current day in memory. A miss goes to the store (creating
 * the day's salt if nobody has yet, race-safe in SaltStore); concurrent misses share
 * one lookup. Tomorrow's salt is created ahead so instances agree before midnight.
 */
export class SaltCache {
  private readonly salts = new Map<string, Buffer | Promise<Buffer>>()

  constructor(private readonly store: SaltStore) {}

  get(site: Site, day: string): Buffer | Promise<Buffer> {
    const key = `${site.id}|${day}`
    const hit = this.salts.get(key)
    if (hit) return hit
    const pending = this.store.getOrCreate(site.id, day).then(
      (salt) => {
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

  /** Creates tomorrow's salt for each site ahead of time. */
  async prepare(sites: readonly Site[], today: (site: Site) => string): Promise<void> {
    for (const site of sites) {
      await this.get(site, today(site))
      await this.store.getOrCreate(site.id, nextDay(today(site)))
    }
  }

  /** Forgets salts of days before `day`: a destroyed salt must not live on in memory. */
  private evictBefore(day: string): void {
    for (const key of this.salts.keys()) if (key.slice(key.lastIndexOf('|') + 1) < day) this.salts.delete(key)
  }
}
