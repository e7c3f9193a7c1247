import { createMetrics, resolveSite, systemClock, type Clock, type Config, type Logger, type Metrics, type Site } from '@qa/core'
import { SaltStore, type Store } from '@qa/store'
import { isVisitDimension } from './rollup/dimensions.ts'
import { rollupDay, type RollupSettings } from './rollup/rollup-day.ts'
import { rollupMonth } from './rollup/rollup-month.ts'
import { logRollup, planRollups, type PlannedDay } from './rollup/rollup-plan.ts'
import { rollupRealtime } from './rollup/realtime.ts'
import { purgeRaw, type PurgedPartition } from './retention/purge.ts'
import { ensureRawTtl } from './retention/raw-ttl.ts'
import { maintainSalts, type SaltChanges } from './salts/salt-lifecycle.ts'

export interface TickResult {
  salts: SaltChanges
  rolledUp: { day: string; sites: string[]; closed: string[] }[]
  purged: PurgedPartition[]
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
    const unknown = config.aggregation.filterDimensions.filter((d) => !isVisitDimension(d))
    if (unknown.length > 0) throw new Error(`aggregation.filterDimensions: not visit dimensions: ${unknown.join(', ')}`)
    this.settings = {
      minGroupSize: config.aggregation.minGroupSize,
      filterDimensions: config.aggregation.filterDimensions.filter(isVisitDimension),
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
    return this.serial(async () => {
      const salts = await this.maintainSalts()
      const rolledUp = await this.rollupNow({})
      await rollupRealtime(this.store.client, this.clock.now())
      const purged = await this.purgeNow(false)
      if (rolledUp.length + purged.length + salts.created.length + salts.destroyed.length > 0) {
        this.logger.info({ rolledUp: rolledUp.length, purged: purged.length, saltsCreated: salts.created.length, saltsDestroyed: salts.destroyed.length }, 'aggregator tick')
      }
      return { salts, rolledUp, purged }
    })
  }

  maintainSalts(): Promise<SaltChanges> {
    return maintainSalts(this.store.client, this.salts, this.sites, this.clock.now(), this.config.retention.saltGraceMinutes * 60_000)
  }

  rollup(request: RollupRequest = {}): Promise<TickResult['rolledUp']> {
    return this.serial(() => this.rollupNow(request))
  }

  purge(dryRun = false): Promise<PurgedPartition[]> {
    return this.serial(() => this.purgeNow(dryRun))
  }

  private async rollupNow(request: RollupRequest): Promise<TickResult['rolledUp']> {
    const now = this.clock.now()
    const plan = await planRollups(this.store.client, this.sites, now, this.config.retention.closeAfterMinutes * 60_000, request)
    const done: TickResult['rolledUp'] = []
    for (const [i, day] of plan.entries()) {
      await this.rollupOne(day)
      done.push({ day: day.day, sites: day.sites.map((s) => s.site.id), closed: day.sites.filter((s) => s.close).map((s) => s.site.id) })
      request.onProgress?.(i + 1, plan.length, day.day)
    }
    return done
  }

  private async rollupOne(day: PlannedDay): Promise<void> {
    const started = performance.now()
    this.logger.debug({ day: day.day, sites: day.sites.length }, 'rollup started')
    await rollupDay(this.store.client, day.day, day.sites, this.settings)
    await rollupMonth(this.store.client, day.day)
    await logRollup(this.store.client, this.clock.now(), day, performance.now() - started)
    this.metrics.rollupSeconds.observe((performance.now() - started) / 1000)
    this.metrics.lastRollup.set(this.clock.now() / 1000)
    this.logger.debug({ day: day.day, ms: Math.round(performance.now() - started) }, 'rollup finished')
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

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.running.catch(() => undefined).then(work)
    this.running = next
    return next
  }
}
