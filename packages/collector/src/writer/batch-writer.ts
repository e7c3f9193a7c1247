import type { ClickHouseClient } from '@qa/core'

export type FlushTrigger = 'size' | 'interval' | 'shutdown' | 'manual' | 'retry'

/** What every flush reports: metrics and benchmarks read these. */
export interface FlushObservation {
  table: string
  rows: number
  bytes: number
  trigger: FlushTrigger
  durationMs: number
  result: 'ok' | 'error'
  error?: string
}

export interface BatchWriterOptions<T> {
  client: ClickHouseClient
  table: string
  batchMaxRows: number
  flushIntervalMs: number
  /** Rows held (buffered plus in flight) before enqueue answers 'full'. */
  maxBufferedRows: number
  onFlush?: (o: FlushObservation) => void
  now?: () => number
  /** Delay before retrying a failed batch. */
  retryDelayMs?: number
  serialise?: (row: T) => unknown
}

/**
 * Buffers rows and inserts them as JSONEachRow bodies, flushing on size, on a timer
 * and on shutdown. One insert runs at a time; a failed batch goes back to the head
 * of the queue (its own copy) and is retried, so nothing accepted is dropped. When
 * the buffer is full, enqueue says so and the caller answers 503.
 */
export class BatchWriter<T> {
  private queue: T[] = []
  private inFlight = 0
  private flushing: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private closed = false
  private readonly now: () => number

  constructor(private readonly opts: BatchWriterOptions<T>) {
    this.now = opts.now ?? (() => performance.now())
    this.timer = setInterval(() => void this.flush('interval'), opts.flushIntervalMs)
    this.timer.unref()
  }

  get buffered(): number {
    return this.queue.length + this.inFlight
  }

  enqueue(row: T): 'ok' | 'full' | 'closed' {
    if (this.closed) return 'closed'
    if (this.buffered >= this.opts.maxBufferedRows) return 'full'
    this.queue.push(row)
    if (this.queue.length >= this.opts.batchMaxRows && !this.flushing) void this.flush('size')
    return 'ok'
  }

  /** Flushes until the queue is empty or an insert fails. */
  flush(trigger: FlushTrigger = 'manual'): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain(trigger).finally(() => {
        this.flushing = undefined
      })
    }
    return this.flushing
  }

  private async drain(trigger: FlushTrigger): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.batchMaxRows)
      this.inFlight = batch.length
      const ok = await this.insert(batch, trigger)
      this.inFlight = 0
      if (!ok) {
        this.queue = batch.concat(this.queue)
        return
      }
    }
  }

  private async insert(batch: T[], trigger: FlushTrigger): Promise<boolean> {
    const started = this.now()
    const values = this.opts.serialise ? batch.map(this.opts.serialise) : batch
    let bytes = 0
    try {
      await this.opts.client.insert({ table: this.opts.table, values, format: 'JSONEachRow' })
      bytes = approxBytes(values)
      this.opts.onFlush?.({ table: this.opts.table, rows: batch.length, bytes, trigger, durationMs: this.now() - started, result: 'ok' })
      return true
    } catch (err) {
      this.opts.onFlush?.({
        table: this.opts.table,
        rows: batch.length,
        bytes,
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

  /** Stops accepting and flushes what is buffered, retrying a few times. */
  async close(attempts = 5): Promise<void> {
    this.closed = true
    clearInterval(this.timer)
    for (let i = 0; i < attempts && this.buffered > 0; i++) {
      await this.flush('shutdown')
      if (this.queue.length > 0) await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 200))
    }
    if (this.queue.length > 0) throw new Error(`${this.queue.length} rows of ${this.opts.table} could not be written at shutdown`)
  }
}

function approxBytes(values: unknown[]): number {
  let n = 0
  for (const v of values) n += JSON.stringify(v).length + 1
  return n
}
