import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BatchWriter } from '@quiet-analytics/collector'
import { Spool } from '../src/writer/spool.ts'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows, testConfig } from '../../../test/support/temp-store.ts'

let c: TestCollector
beforeAll(async () => {
  c = await startTestCollector(testConfig({ collector: { flushIntervalMs: 100, batchMaxRows: 50, rateLimitPerMinute: 0 } }))
})
afterAll(() => c.stop())

const count = async (like: string) => Number((await rows<{ n: string }>(c.store, 'SELECT count() AS n FROM raw_hits WHERE path LIKE {p:String}', { p: like }))[0]!.n)
const outage = () => c.store.client.command({ query: 'RENAME TABLE raw_hits TO raw_hits_away' })
const recovery = () => c.store.client.command({ query: 'RENAME TABLE raw_hits_away TO raw_hits' })
const page = (path: string) => ({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' })
const COLUMNS = ['ts', 'site_id', 'visitor_id', 'name', 'path', 'props'] as const
type Row = Record<(typeof COLUMNS)[number], unknown>
const hit = (n: number, path: string): Row => ({ ts: Date.now() + n, site_id: 'test', visitor_id: String(n), name: 'pageview', path, props: {} })
const asLines = (rows: Row[]) => rows.map((r) => JSON.stringify(COLUMNS.map((c) => r[c]))).join('\n')
const writerOn = (spool: Spool) => new BatchWriter<Row>({ insert: c.store.insertLines, table: 'raw_hits', columns: COLUMNS, batchMaxRows: 100, flushIntervalMs: 60_000, maxBufferedRows: 100, spool })

describe('spool', () => {
  it('keeps accepting while the store is down for seconds under load, then stores exactly what it accepted', async () => {
    let accepted = 0
    let sent = 0
    const load = async (until: number) => {
      while (Date.now() < until) {
        const batch = await Promise.all(Array.from({ length: 20 }, () => c.post(page(`/outage/${sent++}`))))
        accepted += batch.filter((r) => r.status === 202).length
      }
    }
    await load(Date.now() + 500)
    await outage()
    try {
      await load(Date.now() + 2500)
      expect(c.collector.writer.spooled).toBeGreaterThan(0)
      // The spool holds the same minimal rows: no address, no user-agent.
      const spoolDir = join(c.store.config.dataDir, 'spool')
      const text = readdirSync(spoolDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(spoolDir, f), 'utf8')).join('\n')
      expect(text).toContain('/outage/')
      expect(text).not.toContain('127.0.0.1')
      expect(text).not.toContain('Chrome/131.0.0.0')
    } finally {
      await recovery()
    }
    await load(Date.now() + 500)
    await c.collector.flush()
    expect(c.collector.writer.spooled).toBe(0)
    const stored = await count('/outage/%')
    process.stdout.write(`store outage: sent ${sent}, accepted ${accepted}, stored ${stored}\n`)
    expect(accepted).toBe(sent)
    expect(stored).toBe(accepted)
  })

  it('never counts a replayed batch twice: the batch id is the insert deduplication token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-spool-'))
    const spool = new Spool(dir, 10_000_000)
    const writer = writerOn(spool)
    const lines = asLines([1, 2, 3].map((i) => hit(i, '/dedup')))
    // The store took the batch, then the process died before removing it from the spool.
    await c.store.insertLines({ table: 'raw_hits', columns: COLUMNS, body: Buffer.from(lines), dedupToken: 'batch-42' })
    expect(spool.append({ id: 'batch-42', rows: 3, lines })).toBe('ok')
    await writer.flush()
    await writer.close()
    expect(spool.batches).toBe(0)
    expect(await count('/dedup')).toBe(3)
  })

  it('replays what a previous process left in the spool, in order, at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-spool-'))
    const before = new Spool(dir, 10_000_000)
    for (const n of [1, 2, 3]) before.append({ id: `restart-${n}`, rows: 1, lines: asLines([hit(n, `/restart/${n}`)]) })
    // A new process: a new spool over the same directory and a new writer.
    const writer = writerOn(new Spool(dir, 10_000_000))
    const order: number[] = []
    await writer.flush()
    await writer.close()
    order.push(...(await rows<{ path: string }>(c.store, "SELECT path FROM raw_hits WHERE path LIKE '/restart/%' ORDER BY ts")).map((r) => Number(r.path.split('/')[2])))
    expect(order).toEqual([1, 2, 3])
  })

  it('replays a batch spooled by the earlier format (rows as objects) after an upgrade', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-spool-'))
    writeFileSync(join(dir, '000000000001-legacy.json'), JSON.stringify({ id: 'legacy-1', rows: [hit(1, '/legacy/1'), hit(2, '/legacy/2')] }))
    const writer = writerOn(new Spool(dir, 10_000_000))
    await writer.flush()
    await writer.close()
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([])
    expect(await count('/legacy/%')).toBe(2)
  })

  it('ignores a batch file a crash left half-written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-spool-'))
    writeFileSync(join(dir, '000000000007-torn.json.tmp'), '{"id":"torn","rows":1,"lines":"[1')
    const spool = new Spool(dir, 10_000_000)
    expect(spool.batches).toBe(0)
    expect(spool.append({ id: 'next', rows: 0, lines: '' })).toBe('ok')
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual(['000000000001-next.json'])
  })
})

describe('spool full', () => {
  it('answers 503 with Retry-After when disk and memory are full, loses nothing, and recovers', async () => {
    const small = await startTestCollector(
      { ...c.store.config, collector: { ...c.store.config.collector, spoolDir: mkdtempSync(join(tmpdir(), 'qa-spool-')), spoolMaxBytes: 3000, maxBufferedRows: 5, batchMaxRows: 5 } },
      c.store,
    )
    await outage()
    let accepted = 0
    let refused = 0
    try {
      for (let i = 0; i < 60; i++) {
        const res = await small.post(page(`/full/${i}`))
        if (res.status === 202) accepted++
        if (res.status === 503) {
          refused++
          expect(res.headers.get('retry-after')).toBe('1')
        }
        if (i % 5 === 4) await small.collector.flush()
      }
      expect(refused).toBeGreaterThan(0)
      expect((await fetch(`${small.url}/ready`)).status).toBe(503)
    } finally {
      await recovery()
    }
    await small.collector.flush()
    expect((await small.post(page('/full/after'))).status).toBe(202)
    await small.collector.flush()
    const stored = await count('/full/%')
    process.stdout.write(`spool full: sent 61, accepted ${accepted + 1}, refused with 503 ${refused}, stored ${stored}\n`)
    expect(stored).toBe(accepted + 1)
    await small.stop()
  })
})
