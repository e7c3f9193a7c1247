import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export interface SpooledBatch {
  /** Also the insert deduplication token: a replayed batch is never counted twice. */
  id: string
  rows: number
  /** The rows as the store takes them: JSONCompactEachRow lines. */
  lines: string
}

/**
 * Batches the store could not take, on local disk, in order: one file per batch,
 * written to a temporary name, fsynced, then renamed, so a crash leaves either the whole
 * batch or nothing. Bounded by `maxBytes`; a full spool (or a full disk) says so.
 */
export class Spool {
  private seq = 0
  private bytes = 0

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true })
    for (const f of this.files()) {
      this.bytes += statSync(join(dir, f)).size
      this.seq = Math.max(this.seq, Number(f.split('-')[0]))
    }
  }

  private files(): string[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d{12}-[\w-]+\.json$/.test(f))
      .sort()
  }

  get sizeBytes(): number {
    return this.bytes
  }

  get batches(): number {
    return this.files().length
  }

  append(batch: SpooledBatch): 'ok' | 'full' {
    const body = Buffer.from(JSON.stringify(batch))
    if (this.bytes + body.length > this.maxBytes) return 'full'
    const name = `${String(++this.seq).padStart(12, '0')}-${batch.id}.json`
    const tmp = join(this.dir, `${name}.tmp`)
    try {
      const fd = openSync(tmp, 'w')
      try {
        writeSync(fd, body)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(tmp, join(this.dir, name))
    } catch {
      try {
        unlinkSync(tmp)
      } catch {
        // Nothing was written.
      }
      return 'full'
    }
    this.bytes += body.length
    return 'ok'
  }

  /**
   * The oldest batch, or undefined. A batch spooled by an earlier version holds its rows
   * as objects (`rows: [{...}]`) rather than lines: it comes back as `legacyRows`, for
   * the writer to serialise, so an upgrade never strands what the spool kept.
   */
  peek(): (SpooledBatch & { file: string; legacyRows?: Record<string, unknown>[] }) | undefined {
    const file = this.files()[0]
    if (!file) return undefined
    const batch = JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as SpooledBatch | { id: string; rows: Record<string, unknown>[] }
    if (Array.isArray(batch.rows)) return { id: batch.id, rows: batch.rows.length, lines: '', legacyRows: batch.rows, file }
    return { ...(batch as SpooledBatch), file }
  }

  /** Removes a batch the store has taken. */
  remove(file: string): void {
    const path = join(this.dir, file)
    const size = statSync(path).size
    unlinkSync(path)
    this.bytes -= size
  }
}
