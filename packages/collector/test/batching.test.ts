import { describe, expect, it } from 'vitest'
import { BatchWriter } from '@quiet-analytics/collector'
import type { LinesInsert } from '@quiet-analytics/store'

const COLUMNS = ['ts', 'path'] as const
type Row = { ts: number; path: string }

/** A store whose inserts finish only when the test says so, as a busy store's do. */
function heldStore() {
  const inserts: number[] = []
  const held: (() => void)[] = []
  const insert = (i: LinesInsert) =>
    new Promise<void>((resolve) => {
      inserts.push(i.body.toString().split('\n').length)
      held.push(resolve)
    })
  const releaseAll = () => held.splice(0).forEach((r) => r())
  return { inserts, insert, releaseAll, waiting: () => held.length }
}

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ ts: from + i, path: `/p/${from + i}` }))

describe('batching under load', () => {
  it('leaves rows that arrive during an insert for the next tick, instead of sending them at once in a small insert', async () => {
    const store = heldStore()
    const writer = new BatchWriter<Row>({ insert: store.insert, table: 'raw_hits', columns: COLUMNS, batchMaxRows: 100, flushIntervalMs: 60_000, maxBufferedRows: 10_000 })
    for (const r of rows(0, 10)) writer.enqueue(r)
    const tick = writer.flush('interval')
    expect(store.waiting()).toBe(1)
    // Events keep coming while the store works on the first insert.
    for (const r of rows(10, 30)) writer.enqueue(r)
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
    const writer = new BatchWriter<Row>({ insert: store.insert, table: 'raw_hits', columns: COLUMNS, batchMaxRows: 100, flushIntervalMs: 60_000, maxBufferedRows: 10_000 })
    for (const r of rows(0, 10)) writer.enqueue(r)
    const tick = writer.flush('interval')
    for (const r of rows(10, 250)) writer.enqueue(r)
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
    const writer = new BatchWriter<Row>({ insert: store.insert, table: 'raw_hits', columns: COLUMNS, batchMaxRows: 100, flushIntervalMs: 60_000, maxBufferedRows: 10_000 })
    for (const r of rows(0, 10)) writer.enqueue(r)
    const tick = writer.flush('interval')
    for (const r of rows(10, 30)) writer.enqueue(r)
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
})
