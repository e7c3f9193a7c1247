import { randomUUID } from 'node:crypto'
import type { LinesInsert } from '@qa/store'
import type { Spool } from './spool.ts'

export type FlushTrigger = 'size' | 'interval' | 'shutdown' | 'manual' | 'retry' | 'replay'

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
  now?: () => number
  /** Delay before retrying a failed batch. */
  retryDelayMs?: number
  /** Where batches go when the store fails; replayed in order, deduplicated by batch id. */
  spool?: Spool
}

/**
 * Buffers rows and inserts them as JSONCompactEachRow bodies, flushing on size, on a timer
 * and on shutdown. One insert runs at a time; every batch carries an id used as the
 * insert deduplication token. A batch the store refuses goes to the spool (or, without
 * one, back to the head of the queue) and is retried in order, so nothing accepted is
 * dropped and nothing retried is counted twice. When memory and spool are full,
 * enqueue says so and the caller answers 503.
 */
export class BatchWriter<T> {
  /** Rows already serialised: one flat string each is far cheaper for the GC to hold than an object. */
  private queue: string[] = []
  private readonly values: unknown[]
  private inFlight = 0
  private flushing: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private closed = false
  private readonly now: () => number

  constructor(private readonly opts: BatchWriterOptions<T>) {
    this.now = opts.now ?? (() => performance.now())
    this.values = new Array(opts.columns.length)
    this.timer = setInterval(() => void this.flush('interval'), opts.flushIntervalMs)
    this.timer.unref()
  }

  get buffered(): number {
    return this.queue.length + this.inFlight
  }

  get spooled(): number {
    return this.opts.spool?.batches ?? 0
  }

  enqueue(row: T): 'ok' | 'full' | 'closed' {
    if (this.closed) return 'closed'
    if (this.buffered >= this.opts.maxBufferedRows) return 'full'
    this.queue.push(this.serialise(row))
    if (this.queue.length >= this.opts.batchMaxRows && !this.flushing) void this.flush('size')
    return 'ok'
  }

  /** Replays the spool, then flushes memory, until both are empty or an insert fails. */
  flush(trigger: FlushTrigger = 'manual'): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain(trigger).finally(() => {
        this.flushing = undefined
      })
    }
    return this.flushing
  }

  private async drain(trigger: FlushTrigger): Promise<void> {
    const spool = this.opts.spool
    let storeUp = true
    for (let b = spool?.peek(); spool && b; b = spool.peek()) {
      const lines = b.legacyRows ? b.legacyRows.map((row) => this.serialise(row as T)).join('\n') : b.lines
      if (!(await this.insert(lines, b.rows, b.id, 'replay'))) {
        storeUp = false
        break
      }
      spool.remove(b.file)
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.batchMaxRows)
      const id = randomUUID()
      const lines = batch.join('\n')
      // While older batches wait in the spool, newer ones queue behind them there.
      if (spool && (!storeUp || spool.batches > 0)) {
        if (spool.append({ id, rows: batch.length, lines }) === 'ok') continue
        this.queue = batch.concat(this.queue)
        return
      }
      this.inFlight = batch.length
      const ok = await this.insert(lines, batch.length, id, trigger)
      this.inFlight = 0
      if (ok) continue
      storeUp = false
      if (spool?.append({ id, rows: batch.length, lines }) === 'ok') continue
      this.queue = batch.concat(this.queue)
      return
    }
  }

  /** A row as one JSONCompactEachRow line: its values as a JSON array, in column order. */
  private serialise(row: T): string {
    const { columns } = this.opts
    for (let c = 0; c < columns.length; c++) this.values[c] = row[columns[c]!]
    return JSON.stringify(this.values)
  }

  private async insert(lines: string, rows: number, id: string, trigger: FlushTrigger): Promise<boolean> {
    const started = this.now()
    const body = Buffer.from(lines)
    try {
      await this.opts.insert({ table: this.opts.table, columns: this.opts.columns, body, dedupToken: id })
      this.opts.onFlush?.({ table: this.opts.table, rows, bytes: body.length, trigger, durationMs: this.now() - started, result: 'ok' })
      return true
    } catch (err) {
      this.opts.onFlush?.({
        table: this.opts.table,
        rows,
        bytes: body.length,
        trigger,
        durationMs: this.now() - started,
        result: 'error',
        error: (err as Error).message.slice(0, 200),
      })
      if (!this.closed) {
        const retry = setTimeout(() => void this.flush('retry'), this.opts.retryDelayMs ?? 1000)
        retry.unref()
      }
      return false
    }
  }

  /**
   * Stops accepting and flushes what is buffered, retrying a few times; what the store
   * still refuses stays in the spool for the next start.
   */
  async close(attempts = 5): Promise<void> {
    this.closed = true
    clearInterval(this.timer)
    for (let i = 0; i < attempts && this.buffered > 0; i++) {
      await this.flush('shutdown')
      if (this.queue.length > 0) await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 200))
    }
    if (this.queue.length > 0) throw new Error(`${this.queue.length} rows of ${this.opts.table} could not be written or spooled at shutdown`)
  }
}
