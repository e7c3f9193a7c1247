import { createMetrics, RAW_HIT_COLUMNS, resolveSite, siteDay, systemClock, trustedProxyMatcher, type Clock, type Config, type Logger, type Metrics, type RawHit } from '@quiet-analytics/core'
import { SaltStore, type Store } from '@quiet-analytics/store'
import { cachedUserAgentParser } from './enrich/user-agent.ts'
import { openCountryLookup } from './enrich/geo.ts'
import { perMinuteLimiter } from './pipeline/rate-limit.ts'
import { createIngestHandler } from './http/ingest-handler.ts'
import { recordEvent, type IngestSink, type Recorded } from './pipeline/record-event.ts'
import { umamiResolver } from './pipeline/umami.ts'
import { siteResolver } from './pipeline/resolve-site.ts'
import { validateEvent } from './pipeline/parse-body.ts'
import type { PipelineDeps, RequestContext } from './pipeline/process-event.ts'
import { SaltCache } from './salt/salt-cache.ts'
import { loadTrackerScript, type TrackerScript } from './tracker-script.ts'
import { BatchWriter, insertBatch, storeErrorKind, type FlushObservation } from './writer/batch-writer.ts'
import { DropCounter } from './writer/drop-counter.ts'
import { QUARANTINE_DIR, readBatch, Spool } from './writer/spool.ts'
import { existsSync, readdirSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'

export interface CollectorOptions {
  config: Config
  store: Store
  logger: Logger
  clock?: Clock
  onFlush?: (o: FlushObservation) => void
  /** Shared with the other roles of the process; a fresh registry when absent. */
  metrics?: Metrics
  /** Which of the collector processes sharing the spool directory this is (default: the only one). */
  slot?: { index: number; count: number }
}

export interface Collector {
  handler: ReturnType<typeof createIngestHandler>
  tracker: TrackerScript
  writer: BatchWriter<RawHit>
  drops: DropCounter
  counters: { accepted: number; invalid: number }
  metrics: Metrics
  /**
   * Runs one event outside HTTP (server-side tracking): validated as a body of
   * /api/event is, a refusal counted as HTTP's are, then the same pipeline.
   */
  record(event: unknown, ctx: RequestContext): Promise<Recorded>
  /** Whether the store answers and the buffer has room: what /ready reports. */
  readiness(): Promise<{ ready: boolean; store: boolean; buffered: number; capacity: number; spoolBytes: number; reservedBytes: number; spoolCapacity: number }>
  /** Loads today's salt of every site (the aggregator makes them; a missing one is created as a logged fallback). */
  prepareSalts(): Promise<void>
  /** Writes everything buffered; resolves when the store has it. */
  flush(): Promise<void>
  /** Stops accepting, flushes, and stops timers. */
  close(): Promise<void>
}

/** The raw table as the writer inserts it: hourly partitions, at most 100 in one insert. */
const RAW_HITS_TARGET = {
  table: 'raw_hits',
  columns: RAW_HIT_COLUMNS,
}

// raw_hits is partitioned by hour, and each line starts with ts in epoch milliseconds (RAW_HIT_COLUMNS[0], pinned by a test).
const RAW_HITS_PARTITIONS = { of: (line: string) => Math.floor(Number(line.slice(1, line.indexOf(','))) / 3_600_000), maxPerInsert: 100 }

/** Where a collector keeps its spool directories (one per collector process). */
const spoolBaseDir = (config: Config): string => config.collector.spoolDir ?? join(config.dataDir, 'spool')

/**
 * Tries again every quarantined batch of every spool directory, straight into the store:
 * a stored batch leaves the quarantine; a refused one stays, with the store's error kind.
 */
export async function replayQuarantine(config: Config, store: Store): Promise<{ file: string; rows: number; error?: string }[]> {
  const results: { file: string; rows: number; error?: string }[] = []
  const base = spoolBaseDir(config)
  const dirs = existsSync(base) ? readdirSync(base, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(base, e.name, QUARANTINE_DIR)) : []
  for (const dir of [join(base, QUARANTINE_DIR), ...dirs].filter((d) => existsSync(d))) {
    for (const file of readdirSync(dir).sort()) {
      const batch = readBatch(join(dir, file))
      if (!batch) {
        results.push({ file, rows: 0, error: 'not a batch file' })
        continue
      }
      const lines = batch.legacyRows ? batch.legacyRows.map((row) => JSON.stringify(RAW_HIT_COLUMNS.map((c) => row[c]))).join('\n') : batch.lines
      try {
        await insertBatch(store.insertLines, { ...RAW_HITS_TARGET, partitions: RAW_HITS_PARTITIONS }, lines, batch.id)
        unlinkSync(join(dir, file))
        results.push({ file, rows: batch.rows })
      } catch (err) {
        results.push({ file, rows: batch.rows, error: storeErrorKind(err) })
      }
    }
  }
  return results
}

/** Wires the ingest pipeline to the store: the same object serves both HTTP front ends. */
export function createCollector({ config, store, logger, clock = systemClock, onFlush, metrics = createMetrics(), slot }: CollectorOptions): Collector {
  const c = config.collector
  const sites = config.sites.map(resolveSite)
  const salts = new SaltCache(new SaltStore(store.client, clock.now), (siteId, day) =>
    logger.warn({ site: siteId, day }, 'no salt for this site-day: the collector created one (logged); is the aggregator running?'),
  )
  const spool = Spool.open(spoolBaseDir(config), c.spoolMaxBytes, slot)
  metrics.spoolCapacityBytes.set(spool.capacityBytes)
  const writer = new BatchWriter<RawHit>({
    spool,
    insert: store.insertLines,
    ...RAW_HITS_TARGET,
    batchMaxRows: c.batchMaxRows,
    flushIntervalMs: c.flushIntervalMs,
    maxBufferedRows: c.maxBufferedRows,
    partitions: RAW_HITS_PARTITIONS,
    now: clock.now,
    onBatch: (b) => logger.debug({ rows: b.rows }, b.to === 'store' ? 'raw_hits batch to the store' : 'raw_hits batch to the spool'),
    onQuarantine: (q) => {
      logger.error({ batch: q.id, rows: q.rows, error: q.error }, 'a spooled batch is refused for its content: set aside in the quarantine (qa spool replay)')
      metrics.spoolQuarantined.set(spool.quarantined)
    },
    onFlush: (o) => {
      logger.debug({ rows: o.rows, ms: Math.round(o.durationMs), result: o.result }, 'raw_hits insert done')
      if (o.result === 'error') logger.warn({ flush: o }, 'raw_hits insert failed; will retry')
      metrics.batchRows.observe({ table: o.table }, o.rows)
      metrics.spoolBytes.set(spool.sizeBytes)
      metrics.spoolReservedBytes.set(writer.reservedBytes)
      metrics.flushSeconds.observe({ table: o.table, result: o.result }, o.durationMs / 1000)
      onFlush?.(o)
    },
  })
  const drops = new DropCounter(store.client, clock.now)
  const dropTimer = setInterval(() => void drops.flush().catch((err: Error) => logger.warn({ err: { message: err.message } }, 'drop counts not written')), 10_000)
  dropTimer.unref()
  const counters = { accepted: 0, invalid: 0 }
  const durableSites = new Set(sites.filter((s) => s.durable ?? c.durable).map((s) => s.id))

  const pipeline: PipelineDeps = {
    resolveSite: siteResolver(sites),
    trustedProxies: trustedProxyMatcher(c.trustedProxies),
    truncation: { ipv4PrefixBits: c.ipv4PrefixBits, ipv6PrefixBits: c.ipv6PrefixBits },
    honourDnt: c.honourDnt,
    queryAllowlist: new Set(c.queryAllowlist),
    parseUserAgent: cachedUserAgentParser(),
    country: openCountryLookup(),
    admit: perMinuteLimiter(c.rateLimitPerMinute, clock.now),
    admitSite: perMinuteLimiter(c.siteRateLimitPerMinute, clock.now),
    salt: (site, day) => salts.get(site, day),
    now: clock.now,
  }
  const sink: IngestSink = {
    enqueue: (o) => {
      const r = durableSites.has(o.row.site_id) ? writer.enqueue(o.row, { durable: true }) : writer.enqueue(o.row)
      if (r !== 'full' && r !== 'closed') {
        counters.accepted++
        metrics.accepted.inc()
      }
      return r
    },
    dropped: (o) => {
      drops.count(o.siteId, o.reason)
      metrics.dropped.inc({ reason: o.reason })
    },
    invalid: (siteId) => {
      counters.invalid++
      drops.countInvalid(siteId)
      metrics.dropped.inc({ reason: 'invalid' })
    },
  }

  return {
    handler: createIngestHandler({ pipeline, sink, bodyLimitBytes: c.bodyLimitBytes, logger, umamiDomain: umamiResolver(sites) }),
    tracker: loadTrackerScript(),
    writer,
    drops,
    counters,
    metrics,
    record: async (candidate, ctx) => {
      const event = validateEvent(candidate)
      if (!event.ok) {
        sink.invalid(event.domain === undefined ? undefined : pipeline.resolveSite(event.domain)?.id)
        return { status: 'rejected', code: 400, reason: event.reason }
      }
      return recordEvent(event.event, ctx, pipeline, sink)
    },
    readiness: async () => {
      const ping = await store.client.ping().catch(() => ({ success: false }))
      const buffered = writer.buffered
      metrics.buffered.set(buffered)
      const reservedBytes = writer.reservedBytes
      metrics.spoolBytes.set(spool.sizeBytes)
      metrics.spoolBatches.set(spool.batches)
      metrics.spoolQuarantined.set(spool.quarantined)
      metrics.spoolReservedBytes.set(reservedBytes)
      // Not ready before the reservation runs out: a balancer moves traffic while this process still accepts.
      const room = buffered < c.maxBufferedRows * 0.9 && spool.sizeBytes + reservedBytes < spool.capacityBytes * 0.9
      return { ready: ping.success && room, store: ping.success, buffered, capacity: c.maxBufferedRows, spoolBytes: spool.sizeBytes, reservedBytes, spoolCapacity: spool.capacityBytes }
    },
    prepareSalts: () => salts.prepare(sites, (site) => siteDay(clock.now(), site.timezone)),
    flush: async () => {
      await writer.flush('manual')
      await drops.flush()
    },
    close: async () => {
      clearInterval(dropTimer)
      await writer.close()
      await drops.flush()
    },
  }
}
