import { createMetrics, resolveSite, systemClock, type Clock, type Config, type Logger, type Metrics, type Site } from '@quiet-analytics/core'
import { readFunnelDefs, SaltStore, tryAcquireLease, withDefinedFunnels, type LeaseHolder, type Store } from '@quiet-analytics/store'
import { mapLimited } from './rollup/concurrency.ts'
import { rollupDay, type RollupSettings } from './rollup/rollup-day.ts'
import { rollupMonth } from './rollup/rollup-month.ts'
import { byMonth, decideRollups, logRollup, planOf, type PlannedDay, type RollupDecision } from './rollup/rollup-plan.ts'
import { rollupRealtime } from './rollup/realtime.ts'
import { purgeRaw, type PurgedPartition } from './retention/purge.ts'
import { ensureRawTtl } from './retention/raw-ttl.ts'
import { maintainSalts, type SaltChanges } from './salts/salt-lifecycle.ts'
import { runAudit, type AuditReport } from './audit/run-audit.ts'

export interface TickResult {
  salts: SaltChanges
  rolledUp: { day: string; sites: string[]; closed: string[] }[]
  purged: PurgedPartition[]
  /** Set when another process held the aggregator lease: this tick did nothing. */
  skipped?: LeaseHolder
}

/** The connection tag of aggregator work: what a new lease holder kills when its predecessor died mid-query. */
export const AGGREGATOR_TAG = 'qa-aggregator'

/**
 * How the aggregator's work connects: tagged, and allowed statements as long as a big
 * day's rollup takes (a day of 10 million pageviews runs minutes per statement on two
 * cores; the store's default of a minute would fail it at every tick).
 */
export const AGGREGATOR_CONNECTION = { tag: AGGREGATOR_TAG, requestTimeoutMs: 60 * 60_000 } as const

/** Days of one month rolled up together. */
const DAYS_AT_ONCE = 2

/** Aggregator work waiting for the lease, as `qa rollup` beside a running aggregator does. */
export interface WaitOptions {
  /** Give up after this long (default 10 minutes). */
  waitMs?: number
  onWait?: (holder: LeaseHolder) => void
}

export class LeaseBusyError extends Error {
  override name = 'LeaseBusyError'
}

export interface RollupRequest {
  /** Only these site-local days (YYYY-MM-DD); all pending days when absent. */
  days?: ReadonlySet<string>
  /** Recompute even unchanged days (never closed ones). */
  force?: boolean
  onProgress?: (done: number, total: number, day: string) => void
}

/**
 * The aggregator: owns the salt lifecycle, rolls raw hits into anonymous aggregates,
 * and purges raw rows. One tick does all three in that order; ticks never overlap.
 */
export class Aggregator {
  readonly sites: Site[]
  private readonly settings: RollupSettings
  private readonly salts: SaltStore
  private readonly clock: Clock
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly logger: Logger,
    clock: Clock = systemClock,
    private readonly metrics: Metrics = createMetrics(),
  ) {
    this.clock = clock
    this.sites = config.sites.map(resolveSite)
    this.salts = new SaltStore(store.client, clock.now)
    this.settings = {
      minGroupSize: config.aggregation.minGroupSize,
      filterDimensions: config.aggregation.filterDimensions,
      bounceEngagementMs: config.aggregation.bounceEngagementMs,
    }
  }

  /** Runs a tick now and then every rollupIntervalMs until stop(). */
  async start(): Promise<void> {
    await ensureRawTtl(this.store.client, this.config.retention.rawTtlHours, this.store.cluster)
    await this.tick()
    this.timer = setInterval(() => {
      this.tick().catch((err: Error) => this.logger.error({ err: { message: err.message } }, 'aggregator tick failed'))
    }, this.config.aggregation.rollupIntervalMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.running.catch(() => undefined)
  }

  tick(): Promise<TickResult> {
    return this.exclusive(async () => {
      const salts = await this.maintainSaltsNow()
      const rolledUp = await this.rollupNow({})
      await rollupRealtime(this.store.client, this.clock.now())
      const purged = await this.purgeNow(false)
      // A day has just been closed and its raw rows purged: the audit proves the store is as it should be.
      if (rolledUp.some((r) => r.closed.length > 0)) {
        const report = await runAudit(this.store, this.config, this.clock.now())
        if (!report.passed) this.logger.error({ failed: report.failed }, 'privacy audit failed after the closing rollup')
      }
      if (rolledUp.length + purged.length + salts.created.length + salts.destroyed.length > 0) {
        this.logger.info({ rolledUp: rolledUp.length, purged: purged.length, saltsCreated: salts.created.length, saltsDestroyed: salts.destroyed.length }, 'aggregator tick')
      }
      return { salts, rolledUp, purged }
    }).then((r) => (r.ran ? r.value : { salts: { created: [], destroyed: [] }, rolledUp: [], purged: [], skipped: r.heldBy }))
  }

  maintainSalts(wait: WaitOptions = {}): Promise<SaltChanges> {
    return this.waiting(() => this.maintainSaltsNow(), wait)
  }

  rollup(request: RollupRequest = {}, wait: WaitOptions = {}): Promise<TickResult['rolledUp']> {
    return this.waiting(() => this.rollupNow(request), wait)
  }

  /** What a rollup would do now with each site-day holding raw rows, and why: read-only, no lease. */
  async rollupDecisions(request: Pick<RollupRequest, 'days' | 'force'> = {}): Promise<RollupDecision[]> {
    return decideRollups(this.store.client, await this.sitesWithFunnels(), this.clock.now(), this.closeAfterMs, request)
  }

  /** The configured sites with the funnels defined in the dashboard since: read at every rollup, so a new funnel fills at the next tick. */
  private async sitesWithFunnels(): Promise<Site[]> {
    return withDefinedFunnels(this.sites, await readFunnelDefs(this.store.client))
  }

  /** Runs the privacy audit under the lease, so it never reads a store halfway through a rollup. */
  audit(wait: WaitOptions = {}): Promise<AuditReport> {
    return this.waiting(() => runAudit(this.store, this.config, this.clock.now()), wait)
  }

  purge(dryRun = false, wait: WaitOptions = {}): Promise<PurgedPartition[]> {
    return this.waiting(() => this.purgeNow(dryRun), wait)
  }

  private get closeAfterMs(): number {
    return this.config.retention.closeAfterMinutes * 60_000
  }

  private maintainSaltsNow(): Promise<SaltChanges> {
    return maintainSalts(this.store.client, this.salts, this.sites, this.clock.now(), this.config.retention.saltGraceMinutes * 60_000)
  }

  private async rollupNow(request: RollupRequest): Promise<TickResult['rolledUp']> {
    // Work rows left by a rollup killed mid-way hold visitor hashes: none outlives it, whether or not its day is due again.
    await this.store.client.command({ query: 'TRUNCATE TABLE IF EXISTS rollup_work' })
    const plan = planOf(await this.rollupDecisions(request))
    const done: TickResult['rolledUp'] = []
    let finished = 0
    for (const days of byMonth(plan)) {
      // Days touch only their own partitions: two at a time keep both cores busy (a big
      // day's breakdown runs mostly on one) without holding more than two days in memory.
      const ms = await mapLimited(days, DAYS_AT_ONCE, async (day) => {
        const took = await this.rollupOne(day)
        request.onProgress?.(++finished, plan.length, day.day)
        return took
      })
      // A month is the sum of its days: rebuilt once for all of them, and their rollups
      // logged only then, so a crash before it leaves them due again.
      await rollupMonth(this.store.client, days[0]!.day)
      for (const [i, day] of days.entries()) {
        await logRollup(this.store.client, this.clock.now(), day, ms[i]!)
        done.push({ day: day.day, sites: day.sites.map((s) => s.site.id), closed: day.sites.filter((s) => s.close).map((s) => s.site.id) })
      }
      this.metrics.lastRollup.set(this.clock.now() / 1000)
    }
    return done
  }

  /** One day's rollup; its duration in ms. */
  private async rollupOne(day: PlannedDay): Promise<number> {
    const started = performance.now()
    this.logger.debug({ day: day.day, sites: day.sites.length }, 'rollup started')
    await rollupDay(this.store.client, day.day, day.sites, this.settings)
    const ms = performance.now() - started
    this.metrics.rollupSeconds.observe(ms / 1000)
    this.logger.debug({ day: day.day, ms: Math.round(ms) }, 'rollup finished')
    return ms
  }

  private async purgeNow(dryRun: boolean): Promise<PurgedPartition[]> {
    const purged = await purgeRaw(this.store.client, this.sites, this.clock.now(), this.config.retention.rawTtlHours * 3_600_000, {
      dryRun,
      ...(this.store.cluster ? { cluster: this.store.cluster } : {}),
    })
    if (!dryRun) {
      for (const p of purged) {
        this.metrics.purgedRows.inc({ reason: p.reason }, p.rows)
        this.metrics.neverRolledRows.inc(p.neverRolledRows)
      }
    }
    return purged
  }

  /**
   * Runs work one at a time in this process, and across processes under the store's
   * aggregator lease; answers `skipped` when another process holds it. A holder that
   * died mid-rollup may have left statements running in the store: they are ended first.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false; heldBy: LeaseHolder }> {
    const next = this.running.catch(() => undefined).then(async () => {
      const lease = await tryAcquireLease(this.store.client, 'aggregator', { now: this.clock.now })
      if ('heldBy' in lease) return { ran: false as const, heldBy: lease.heldBy }
      try {
        if (this.store.tag === AGGREGATOR_TAG) {
          await this.store.client.command({ query: "KILL QUERY WHERE Settings['log_comment'] = {tag:String} AND query_id != queryID() SYNC", query_params: { tag: AGGREGATOR_TAG } })
        }
        return { ran: true as const, value: await work() }
      } finally {
        await lease.release()
      }
    })
    this.running = next
    return next
  }

  /** Like exclusive, waiting for another holder to finish. */
  private async waiting<T>(work: () => Promise<T>, { waitMs = 600_000, onWait }: WaitOptions): Promise<T> {
    const deadline = performance.now() + waitMs
    for (;;) {
      const r = await this.exclusive(work)
      if (r.ran) return r.value
      if (performance.now() > deadline) throw new LeaseBusyError(`another aggregator (host ${r.heldBy.host}, pid ${r.heldBy.pid}) has held the aggregator lease for ${Math.round((this.clock.now() - r.heldBy.acquiredAt) / 1000)} s`)
      onWait?.(r.heldBy)
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
}
