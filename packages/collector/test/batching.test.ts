import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BatchWriter } from '@quiet-analytics/collector'
import type { LinesInsert } from '@quiet-analytics/store'
import { Spool } from '../src/writer/spool.ts'

const COLUMNS = ['ts', 'path'] as const
type Row = { ts: number; path: string }

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const newSpool = () => {
  const dir = mkdtempSync(join(tmpdir(), 'qa-batching-'))
  dirs.push(dir)
  return new Spool(dir, 10_000_000)
}

/** A store whose inserts finish (or fail) only when the test says so, as a busy store's do. */
function heldStore() {
  const inserts: number[] = []
  const held: { resolve: () => void; reject: (e: Error) => void }[] = []
  const insert = (i: LinesInsert) =>
    new Promise<void>((resolve, reject) => {
      inserts.push(i.body.toString().split('\n').length)
      held.push({ resolve, reject })
    })
  const releaseAll = () => held.splice(0).forEach((h) => h.resolve())
  const failAll = () => held.splice(0).forEach((h) => h.reject(new Error('the store is down')))
  return { inserts, insert, releaseAll, failAll, waiting: () => held.length }
}

/** A writer with a 100-row batch and no tick during the test: the test flushes as a tick would. */
const writerOn = (store: ReturnType<typeof heldStore>, spool?: Spool) =>
  new BatchWriter<Row>({ insert: store.insert, table: 'raw_hits', columns: COLUMNS, batchMaxRows: 100, flushIntervalMs: 60_000, maxBufferedRows: 10_000, ...(spool ? { spool, retryDelayMs: 60_000 } : {}) })

/** A tick's insert of 10 rows, held by the store while `arriving` more rows are accepted. */
function tickWhileArriving(writer: BatchWriter<Row>, arriving: number): Promise<void> {
  for (const r of rows(0, 10)) writer.enqueue(r)
  const tick = writer.flush('interval')
  for (const r of rows(10, arriving)) writer.enqueue(r)
  return tick
}

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ ts: from + i, path: `/p/${from + i}` }))

describe('batching under load', () => {
  it('leaves rows that arrive during an insert for the next tick, instead of sending them at once in a small insert', async () => {
    const store = heldStore()
    const writer = writerOn(store)
    // Events keep coming while the store works on the first insert.
    const tick = tickWhileArriving(writer, 30)
    expect(store.waiting()).toBe(1)
    store.releaseAll()
    await tick
    expect(store.inserts).toEqual([10])
    expect(writer.buffered).toBe(30)
    // The next tick takes them, in one insert.
    const next = writer.flush('interval')
    store.releaseAll()
    await next
    expect(store.inserts).toEqual([10, 30])
    expect(writer.buffered).toBe(0)
    await writer.close()
  })

  it('still writes the full batches that pile up during an insert, and keeps the rest for the next tick', async () => {
    const store = heldStore()
    const writer = writerOn(store)
    const tick = tickWhileArriving(writer, 250)
    for (let released = 0; released < 3; released++) {
      await expect.poll(() => store.waiting()).toBe(1)
      store.releaseAll()
    }
    await tick
    expect(store.inserts).toEqual([10, 100, 100])
    expect(writer.buffered).toBe(50)
    const closing = writer.close()
    await expect.poll(() => store.waiting()).toBe(1)
    store.releaseAll()
    await closing
    expect(store.inserts).toEqual([10, 100, 100, 50])
  })

  it('a flush asked for during an insert writes every row accepted before it was asked', async () => {
    const store = heldStore()
    const writer = writerOn(store)
    const tick = tickWhileArriving(writer, 30)
    const asked = writer.flush()
    store.releaseAll()
    await tick
    await expect.poll(() => store.waiting()).toBe(1)
    store.releaseAll()
    await asked
    expect(store.inserts).toEqual([10, 30])
    expect(writer.buffered).toBe(0)
    await writer.close()
  })

  it('answers a durable event right after the running insert, without waiting for a tick', async () => {
    const store = heldStore()
    const writer = writerOn(store)
    for (const r of rows(0, 10)) writer.enqueue(r)
    const tick = writer.flush('interval')
    const durable = writer.enqueue({ ts: 99, path: '/durable' }, { durable: true })
    expect(durable).toBeInstanceOf(Promise)
    store.releaseAll()
    await tick
    await expect.poll(() => store.waiting()).toBe(1)
    store.releaseAll()
    await durable
    expect(store.inserts).toEqual([10, 1])
    await writer.close()
  })

  it('with the store failing, spools the rows that arrived during the failed insert at once, not a tick later', async () => {
    const store = heldStore()
    const spool = newSpool()
    const writer = writerOn(store, spool)
    const tick = tickWhileArriving(writer, 30)
    store.failAll()
    await tick
    expect(store.inserts).toEqual([10])
    expect(writer.buffered).toBe(0)
    expect(spool.batches).toBe(2)
    await writer.close()
  })

  it('runs a flush asked for during a drain even when that drain throws', async () => {
    const store = heldStore()
    const spool = newSpool()
    spool.append({ id: 'b-1', rows: 1, lines: JSON.stringify([1, '/spooled']) })
    const writer = writerOn(store, spool)
    const first = writer.flush('interval')
    await expect.poll(() => store.waiting()).toBe(1)
    const asked = writer.flush()
    // The spooled batch is stored, but its file cannot be removed: the drain throws.
    const remove = spool.remove.bind(spool)
    spool.remove = () => {
      spool.remove = remove
      throw new Error('disk error')
    }
    store.releaseAll()
    await expect(first).rejects.toThrow('disk error')
    // The asked-for flush still runs: it replays the batch again (same id, so stored once) and ends.
    await expect.poll(() => store.waiting()).toBe(1)
    store.releaseAll()
    await asked
    expect(spool.batches).toBe(0)
    await writer.close()
  })
})
