import { randomUUID } from 'node:crypto'
import type { LinesInsert } from '@quiet-analytics/store'
import { BATCH_HEADER_BYTES, type Spool } from './spool.ts'

export type FlushTrigger = 'size' | 'interval' | 'shutdown' | 'manual' | 'retry' | 'replay' | 'durable'

/** What every flush reports: metrics and benchmarks read these. */
export interface FlushObservation {
  table: string
  rows: number
  /** Bytes of the serialised batch handed to the store. */
  bytes: number
  trigger: FlushTrigger
  durationMs: number
  result: 'ok' | 'error'
  error?: string
}

export interface BatchWriterOptions<T> {
  insert: (insert: LinesInsert) => Promise<void>
  table: string
  /** The table's columns, in the order each row is serialised. */
  columns: readonly (keyof T & string)[]
  batchMaxRows: number
  flushIntervalMs: number
  /** Rows held (buffered plus in flight) before enqueue answers 'full'. */
  maxBufferedRows: number
  onFlush?: (o: FlushObservation) => void
  /** Before a batch goes to the store or to the spool: what a debug log shows, and what a crash test aims at. */
  onBatch?: (b: { rows: number; to: 'store' | 'spool' }) => void
  now?: () => number
  /** Delay before retrying a failed batch. */
  retryDelayMs?: number
  /** A spooled batch set aside: unreadable, or refused for its content REFUSALS_BEFORE_QUARANTINE times over QUARANTINE_AFTER_MS. */
  onQuarantine?: (q: { id: string; rows: number; error: string }) => void
  /** Where batches go when the store fails; replayed in order, deduplicated by batch id. */
  spool?: Spool
  /**
   * The table partition of a line, when one insert may touch only so many of them
   * (ClickHouse refuses a block over `max_partitions_per_insert_block`, 100): a batch
   * spanning more, as a spool replayed after a long outage can, goes in parts.
   */
  partitions?: { of: (line: string) => number; maxPerInsert: number }
}

interface BatchTarget {
  table: string
  columns: readonly string[]
  partitions?: BatchWriterOptions<unknown>['partitions']
}

/**
 * Inserts one batch's lines, in as many parts as its partitions need. The same lines
 * always split the same way, so a retried part carries the deduplication token it had.
 */
export async function insertBatch(insert: BatchWriterOptions<unknown>['insert'], target: BatchTarget, lines: string, id: string): Promise<void> {
  const parts = splitByPartition(lines, target.partitions)
  for (const [i, part] of parts.entries()) {
    await insert({ table: target.table, columns: target.columns, body: Buffer.from(part), dedupToken: parts.length === 1 ? id : `${id}-${i}` })
  }
}

/** The batch's lines in order, cut wherever the next line would make one insert touch too many partitions. */
function splitByPartition(lines: string, partitions: BatchTarget['partitions']): string[] {
  if (!partitions) return [lines]
  const parts: string[][] = [[]]
  let seen = new Set<number>()
  for (const line of lines.split('\n')) {
    const p = partitions.of(line)
    if (!seen.has(p) && seen.size === partitions.maxPerInsert) {
      parts.push([])
      seen = new Set()
    }
    seen.add(p)
    parts.at(-1)!.push(line)
  }
  return parts.length === 1 ? [lines] : parts.map((p) => p.join('\n'))
}

/** The store's error kind, never its message: a parse error quotes the rows it refused. */
export function storeErrorKind(err: unknown): string {
  const e = err as Error & { type?: string }
  return e.type ?? e.message.split('\n')[0]!.slice(0, 200)
}

/** How often, and for how long, the store must refuse a spooled batch's content before it is quarantined. */
export const REFUSALS_BEFORE_QUARANTINE = 3
export const QUARANTINE_AFTER_MS = 30_000

/**
 * Errors about one batch's bytes, which no retry can fix. Errors that any batch would
 * meet (the store down or busy, a missing column, a constraint) are left to retries:
 * setting every batch aside would only move the outage into the quarantine.
 */
export function refusedForContent(errorKind: string): boolean {
  return /^(CANNOT_PARSE|CANNOT_READ_ALL_DATA|ATTEMPT_TO_READ_AFTER_EOF|INCORRECT_DATA|INCORRECT_NUMBER_OF_COLUMNS|VALUE_IS_OUT_OF_RANGE|CANNOT_CONVERT|TOO_LARGE_STRING)/.test(errorKind)
}

/**
 * Buffers rows and inserts them as JSONCompactEachRow bodies, flushing on size, on a timer
 * and on shutdown. One insert runs at a time; every batch carries an id used as the
 * insert deduplication token. A batch the store refuses goes to the spool (or, without
 * one, back to the head of the queue) and is retried in order, so nothing accepted is
 * dropped and nothing retried is counted twice.
 *
 * Accepting a row reserves its bytes in the spool: a row is taken only while the rows in
 * memory could all still be spooled, so whatever happens to the store, everything
 * accepted can be kept. Past that, and past `maxBufferedRows`, enqueue says 'full' and
 * the caller answers 503.
 */
export class BatchWriter<T> {
  /** Content refusals of spooled batches in a row, and since when, by batch id. */
  private readonly refusals = new Map<string, { count: number; since: number }>()
  /** Rows already serialised: one flat string each is far cheaper for the GC to hold than an object. */
  private queue: string[] = []
  private readonly values: unknown[]
  private inFlight = 0
  /** Spool bytes the rows in memory (queued and in flight) would take. */
  private reserved = 0
  /** Rows accepted so far, and rows stored or spooled so far: in order, so one count says which rows are safe. */
  private accepted = 0
  private kept = 0
  private waiters: { seq: number; resolve: () => void }[] = []
  private flushing: Promise<void> | undefined
  private following: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private retry: NodeJS.Timeout | undefined
  private closed = false
  private readonly now: () => number

  constructor(private readonly opts: BatchWriterOptions<T>) {
    this.now = opts.now ?? (() => performance.now())
    this.values = new Array(opts.columns.length)
    this.timer = setInterval(() => this.background('interval'), opts.flushIntervalMs)
    this.timer.unref()
  }

  get buffered(): number {
    return this.queue.length + this.inFlight
  }

  get spooled(): number {
    return this.opts.spool?.batches ?? 0
  }

  /** Spool bytes held for the rows in memory, header lines of their batches included. */
  get reservedBytes(): number {
    return this.reserved + this.headerRoom(this.buffered)
  }

  /** Whether the spool could take one more row of `bytes` beside what it holds and what is reserved. */
  private fits(bytes: number): boolean {
    const spool = this.opts.spool
    return !spool || spool.sizeBytes + this.reserved + bytes + this.headerRoom(this.buffered + 1) <= spool.capacityBytes
  }

  private headerRoom(rows: number): number {
    return Math.ceil(rows / this.opts.batchMaxRows) * BATCH_HEADER_BYTES
  }

  /**
   * Takes a row, or says why not. With `durable`, also returns a promise that resolves
   * once the row is in the store or fsynced in the spool, and flushes now.
   */
  enqueue(row: T): 'ok' | 'full' | 'closed'
  enqueue(row: T, opts: { durable: true }): Promise<void> | 'full' | 'closed'
  enqueue(row: T, opts: { durable?: boolean } = {}): 'ok' | Promise<void> | 'full' | 'closed' {
    if (this.closed) return 'closed'
    if (this.buffered >= this.opts.maxBufferedRows) return 'full'
    const line = this.serialise(row)
    const bytes = Buffer.byteLength(line) + 1
    if (!this.fits(bytes)) return 'full'
    this.queue.push(line)
    this.reserved += bytes
    const seq = ++this.accepted
    if (opts.durable) {
      const kept = new Promise<void>((resolve) => this.waiters.push({ seq, resolve }))
      this.background('durable')
      return kept
    }
    if (this.queue.length >= this.opts.batchMaxRows && !this.flushing) this.background('size')
    return 'ok'
  }

  /** A batch of the oldest rows in memory is stored or spooled: its reservation is released, and its durable callers answered. */
  private keep(rows: number, bodyBytes: number): void {
    this.reserved -= bodyBytes + 1
    this.kept += rows
    while (this.waiters.length > 0 && this.waiters[0]!.seq <= this.kept) this.waiters.shift()!.resolve()
  }

  /** A flush nobody awaits: what it could not do stays queued or spooled for the next one, which reports it. */
  private background(trigger: FlushTrigger): void {
    this.flush(trigger).catch(() => undefined)
  }

  /**
   * Replays the spool, then writes the rows in memory when it starts and any full batch
   * taken meanwhile, until done or an insert fails. A flush asked for while one runs
   * follows it (one follower for all such asks), so rows taken after the running drain
   * started are written too.
   */
  flush(trigger: FlushTrigger = 'manual'): Promise<void> {
    if (this.flushing) {
      // Even after a drain that threw (a spool file it could not read), the follower runs.
      const follow = () => {
        this.following = undefined
        return this.flush(trigger)
      }
      return (this.following ??= this.flushing.then(follow, follow))
    }
    this.flushing = this.drain(trigger).finally(() => {
      this.flushing = undefined
    })
    return this.flushing
  }

  private async drain(trigger: FlushTrigger): Promise<void> {
    const spool = this.opts.spool
    let storeUp = true
    for (let b = spool?.peek(); spool && b; b = spool.peek()) {
      const lines = b.legacyRows ? b.legacyRows.map((row) => this.serialise(row as T)).join('\n') : b.lines
      const error = await this.insert(lines, b.rows, b.id, 'replay')
      if (error === undefined) {
        this.refusals.delete(b.id)
        spool.remove(b.file)
        continue
      }
      // A batch whose content the store refuses would be refused forever: it steps aside once the
      // refusals go on, uninterrupted by any other error, for long enough that no restart explains them.
      const refusals = refusedForContent(error) ? (this.refusals.get(b.id) ?? { count: 0, since: this.now() }) : undefined
      if (refusals) {
        refusals.count++
        this.refusals.set(b.id, refusals)
      } else this.refusals.delete(b.id)
      if (!refusals || refusals.count < REFUSALS_BEFORE_QUARANTINE || this.now() - refusals.since < QUARANTINE_AFTER_MS) {
        storeUp = false
        break
      }
      this.refusals.delete(b.id)
      spool.quarantine(b.file)
      this.quarantined({ id: b.id, rows: b.rows, error })
    }
    // Rows taken while this drain inserts wait for the next tick, unless they fill a batch:
    // under load, sending them at once made an insert of a few hundred rows after every
    // insert, and the store pays a fixed cost, a part and its merges for each. With the
    // store failing, everything goes to the spool now: that costs the store nothing, and
    // a row in memory is one a crash would lose.
    let owed = this.queue.length
    while (this.queue.length > 0 && (owed > 0 || !storeUp || this.queue.length >= this.opts.batchMaxRows)) {
      const batch = this.queue.splice(0, this.opts.batchMaxRows)
      owed -= batch.length
      const id = randomUUID()
      const lines = batch.join('\n')
      const bodyBytes = Buffer.byteLength(lines)
      // While older batches wait in the spool, newer ones queue behind them there.
      if (spool && (!storeUp || spool.batches > 0)) {
        if (this.spoolBatch(spool, { id, rows: batch.length, lines }, bodyBytes)) continue
        this.queue = batch.concat(this.queue)
        return
      }
      this.inFlight = batch.length
      const ok = (await this.insert(lines, batch.length, id, trigger)) === undefined
      this.inFlight = 0
      if (ok) {
        this.keep(batch.length, bodyBytes)
        continue
      }
      storeUp = false
      if (spool && this.spoolBatch(spool, { id, rows: batch.length, lines }, bodyBytes)) continue
      this.queue = batch.concat(this.queue)
      return
    }
  }

  /** At shutdown the spool takes what was accepted even past its budget: the reservation makes that rare, and losing it is worse. */
  private spoolBatch(spool: Spool, batch: { id: string; rows: number; lines: string }, bodyBytes: number): boolean {
    this.announce(batch.rows, 'spool')
    if (spool.append(batch, { force: this.closed }) !== 'ok') return false
    this.keep(batch.rows, bodyBytes)
    return true
  }

  /** A row as one JSONCompactEachRow line: its values as a JSON array, in column order. */
  private serialise(row: T): string {
    const { columns } = this.opts
    for (let c = 0; c < columns.length; c++) this.values[c] = row[columns[c]!]
    return JSON.stringify(this.values)
  }

  /** Inserts a batch; the store's error kind when it refused it. */
  private async insert(lines: string, rows: number, id: string, trigger: FlushTrigger): Promise<string | undefined> {
    this.announce(rows, 'store')
    const started = this.now()
    let error: string | undefined
    try {
      await insertBatch(this.opts.insert, this.opts, lines, id)
    } catch (err) {
      error = storeErrorKind(err)
      if (!this.closed) {
        clearTimeout(this.retry)
        this.retry = setTimeout(() => this.background('retry'), this.opts.retryDelayMs ?? 1000)
        this.retry.unref()
      }
    }
    this.observe({ table: this.opts.table, rows, bytes: Buffer.byteLength(lines), trigger, durationMs: this.now() - started, result: error === undefined ? 'ok' : 'error', ...(error === undefined ? {} : { error }) })
    return error
  }

  private quarantined(q: { id: string; rows: number; error: string }): void {
    try {
      this.opts.onQuarantine?.(q)
    } catch {
      // Only a log line and a gauge.
    }
  }

  private announce(rows: number, to: 'store' | 'spool'): void {
    try {
      this.opts.onBatch?.({ rows, to })
    } catch {
      // Only a log line.
    }
  }

  /** Outside the insert's try, and guarded: a failing metrics hook can never turn a stored batch into a failed one. */
  private observe(o: FlushObservation): void {
    try {
      this.opts.onFlush?.(o)
    } catch {
      // The observation is lost; the batch is not.
    }
  }

  /**
   * Stops accepting and flushes what is buffered, retrying a few times; what the store
   * still refuses stays in the spool for the next start.
   */
  async close(attempts = 5): Promise<void> {
    this.closed = true
    clearInterval(this.timer)
    clearTimeout(this.retry)
    for (let i = 0; i < attempts && this.buffered > 0; i++) {
      await this.flush('shutdown')
      if (this.queue.length > 0) await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 200))
    }
    if (this.queue.length > 0) throw new Error(`${this.queue.length} rows of ${this.opts.table} could not be written or spooled at shutdown`)
  }
}
