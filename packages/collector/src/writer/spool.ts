import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

const BATCH_FILE = /^\d{12}-[\w-]+\.json$/

/** Where batches the store refuses for good wait for an operator: beside each spool, never replayed by the writer. */
export const QUARANTINE_DIR = 'quarantine'

/** Room a batch file needs beyond its lines: the header line. */
export const BATCH_HEADER_BYTES = 128

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
 * batch or nothing. Bounded by `capacityBytes`; a full spool (or a full disk) says so.
 */
export class Spool {
  private seq = 0
  private bytes = 0

  constructor(
    private readonly dir: string,
    readonly capacityBytes: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    for (const f of this.files()) {
      this.bytes += statSync(join(dir, f)).size
      this.seq = Math.max(this.seq, Number(f.split('-')[0]))
    }
  }

  private files(): string[] {
    return readdirSync(this.dir)
      .filter((f) => BATCH_FILE.test(f))
      .sort()
  }

  /**
   * The spool of one collector process of `count` sharing `baseDir`: the directory
   * `<baseDir>/<index>`, with a share of the byte budget. Process 0 adopts what no
   * process of this run will replay: batches of slots beyond `count` (the run before
   * had more processes) and files the single-directory layout left in `baseDir`.
   */
  static open(baseDir: string, maxBytes: number, slot: { index: number; count: number } = { index: 0, count: 1 }): Spool {
    const spool = new Spool(join(baseDir, String(slot.index)), Math.floor(maxBytes / slot.count))
    if (slot.index === 0) {
      const entries = readdirSync(baseDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
      for (const e of entries.filter((e) => e.isFile() && BATCH_FILE.test(e.name))) spool.adopt(baseDir, e.name)
      for (const e of entries.filter((e) => e.isDirectory() && /^\d+$/.test(e.name) && Number(e.name) >= slot.count)) {
        const orphan = join(baseDir, e.name)
        for (const f of readdirSync(orphan).filter((n) => BATCH_FILE.test(n)).sort()) spool.adopt(orphan, f)
      }
    }
    return spool
  }

  /** Moves another directory's batch to the end of this spool (a rename: all or nothing). */
  private adopt(dir: string, file: string): void {
    const name = `${String(++this.seq).padStart(12, '0')}-${file.slice(13)}`
    renameSync(join(dir, file), join(this.dir, name))
    this.bytes += statSync(join(this.dir, name)).size
  }

  get sizeBytes(): number {
    return this.bytes
  }

  get batches(): number {
    return this.files().length
  }

  /**
   * Writes a batch: a header line, then its lines as they are, so a batch takes on disk
   * exactly the bytes the writer reserved for it. `force` (at shutdown) may go beyond
   * the budget rather than lose what was accepted; only a full disk refuses it.
   */
  append(batch: SpooledBatch, opts: { force?: boolean } = {}): 'ok' | 'full' {
    const body = Buffer.from(`${JSON.stringify({ id: batch.id, rows: batch.rows, format: 'lines' })}\n${batch.lines}`)
    if (!opts.force && this.bytes + body.length > this.capacityBytes) return 'full'
    const name = `${String(++this.seq).padStart(12, '0')}-${batch.id}.json`
    const tmp = join(this.dir, `${name}.tmp`)
    try {
      const fd = openSync(tmp, 'w', 0o600)
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
   * The oldest batch, or undefined. Batches spooled by earlier versions are one JSON
   * document, with the lines as a string or the rows as objects (`legacyRows`, for the
   * writer to serialise): an upgrade never strands what the spool kept.
   */
  peek(): (SpooledBatch & { file: string; legacyRows?: Record<string, unknown>[] }) | undefined {
    for (;;) {
      const file = this.files()[0]
      if (!file) return undefined
      const batch = readBatch(join(this.dir, file))
      if (batch) return { ...batch, file }
      // Not a batch this writer can read (a torn or foreign file): it must not block the ones behind it.
      this.quarantine(file)
    }
  }


  /** Batches set aside as unreadable or refused for good. */
  get quarantined(): number {
    try {
      return readdirSync(join(this.dir, QUARANTINE_DIR)).filter((f) => BATCH_FILE.test(f)).length
    } catch {
      return 0
    }
  }

  /**
   * Sets a batch aside in `quarantine/` (a rename: all or nothing), so the batches behind
   * it go on; `qa spool replay` tries it again once the cause is fixed.
   */
  quarantine(file: string): void {
    const dir = join(this.dir, QUARANTINE_DIR)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const size = statSync(join(this.dir, file)).size
    renameSync(join(this.dir, file), join(dir, file))
    // A file put in the directory by hand after the spool opened was never counted.
    this.bytes = Math.max(0, this.bytes - size)
  }

  /** Removes a batch the store has taken. */
  remove(file: string): void {
    const path = join(this.dir, file)
    const size = statSync(path).size
    unlinkSync(path)
    this.bytes -= size
  }
}

/** A spool file's batch, or undefined when it is not one (unparsable, or without an id). */
export function readBatch(path: string): (SpooledBatch & { legacyRows?: Record<string, unknown>[] }) | undefined {
  try {
    const text = readFileSync(path, 'utf8')
    const newline = text.indexOf('\n')
    const header = newline > 0 ? (JSON.parse(text.slice(0, newline)) as { id?: unknown; rows?: unknown; format?: string }) : undefined
    if (header?.format === 'lines') return typeof header.id === 'string' && typeof header.rows === 'number' ? { id: header.id, rows: header.rows, lines: text.slice(newline + 1) } : undefined
    const batch = JSON.parse(text) as { id?: unknown; rows?: unknown; lines?: unknown }
    if (typeof batch.id !== 'string') return undefined
    if (Array.isArray(batch.rows)) return { id: batch.id, rows: batch.rows.length, lines: '', legacyRows: batch.rows as Record<string, unknown>[] }
    return typeof batch.lines === 'string' && typeof batch.rows === 'number' ? { id: batch.id, rows: batch.rows, lines: batch.lines } : undefined
  } catch {
    return undefined
  }
}
