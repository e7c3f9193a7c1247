import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BatchWriter } from '@quiet-analytics/collector'
import { Spool } from '../src/writer/spool.ts'
import type { LinesInsert } from '@quiet-analytics/store'

const COLUMNS = ['ts', 'path'] as const
type Row = { ts: number; path: string }
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const spoolOf = (bytes: number) => {
  const dir = mkdtempSync(join(tmpdir(), 'qa-reserve-'))
  dirs.push(dir)
  return { dir, spool: new Spool(dir, bytes) }
}
const refuse = async (_: LinesInsert) => {
  throw new Error('the store refuses')
}
const spooledPaths = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').slice(1))
    .map((line) => (JSON.parse(line) as [number, string])[1])

describe('accepting reserves spool room', () => {
  it('takes a row only while everything in memory could still be spooled, and spools all of it at shutdown', async () => {
    const { dir, spool } = spoolOf(4000)
    const writer = new BatchWriter<Row>({ insert: refuse, table: 'raw_hits', columns: COLUMNS, batchMaxRows: 10, flushIntervalMs: 60_000, maxBufferedRows: 100_000, spool, retryDelayMs: 5 })
    const accepted: string[] = []
    for (let i = 0; i < 500; i++) {
      const path = `/reserve/${String(i).padStart(4, '0')}`
      if (writer.enqueue({ ts: i, path }) === 'ok') accepted.push(path)
    }
    // Memory alone would have taken all 500; the spool's room stopped it.
    expect(accepted.length).toBeGreaterThan(10)
    expect(accepted.length).toBeLessThan(500)
    expect(spool.sizeBytes + writer.reservedBytes).toBeLessThanOrEqual(spool.capacityBytes)
    await writer.close()
    expect(writer.buffered).toBe(0)
    expect(spooledPaths(dir).sort()).toEqual(accepted)
    expect(spool.sizeBytes).toBeLessThanOrEqual(spool.capacityBytes)
  })

  it('gives the room back once a batch is stored', async () => {
    const { spool } = spoolOf(4000)
    const stored: string[] = []
    const insert = async (i: LinesInsert) => void stored.push(...i.body.toString().split('\n'))
    const writer = new BatchWriter<Row>({ insert, table: 'raw_hits', columns: COLUMNS, batchMaxRows: 10, flushIntervalMs: 60_000, maxBufferedRows: 100_000, spool })
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20; i++) expect(writer.enqueue({ ts: i, path: `/r/${round}/${i}` })).toBe('ok')
      await writer.flush()
      expect(writer.reservedBytes).toBe(0)
    }
    expect(stored).toHaveLength(400)
    await writer.close()
  })

  it('answers a durable row once it is stored, or fsynced in the spool when the store refuses', async () => {
    const { dir, spool } = spoolOf(1_000_000)
    let up = true
    const stored: string[] = []
    const insert = async (i: LinesInsert) => {
      if (!up) throw new Error('down')
      stored.push(i.body.toString())
    }
    const writer = new BatchWriter<Row>({ insert, table: 'raw_hits', columns: COLUMNS, batchMaxRows: 100, flushIntervalMs: 60_000, maxBufferedRows: 1000, spool, retryDelayMs: 60_000 })
    const first = writer.enqueue({ ts: 1, path: '/durable/1' }, { durable: true })
    expect(first).toBeInstanceOf(Promise)
    await first
    // No interval flush ran (a minute away): the durable row was written at once.
    expect(stored.join('\n')).toContain('/durable/1')
    up = false
    await writer.enqueue({ ts: 2, path: '/durable/2' }, { durable: true })
    expect(spooledPaths(dir)).toEqual(['/durable/2'])
    await writer.close()
  })
})
