import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows, testConfig } from '../../../test/support/temp-store.ts'

const page = (path: string) => ({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' })

let c: TestCollector
beforeAll(async () => {
  c = await startTestCollector(testConfig({ collector: { maxBufferedRows: 3, batchMaxRows: 100, flushIntervalMs: 60_000 } }))
})
afterAll(() => c.stop())

const stored = async () => Number((await rows<{ n: string }>(c.store, 'SELECT count() AS n FROM raw_hits'))[0]!.n)

describe('backpressure', () => {
  it('answers 503 with Retry-After when the buffer is full, and loses nothing it accepted', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await c.post(page(`/bp/${i}`))).status)
    expect(statuses).toEqual([202, 202, 202, 503, 503])
    const full = await c.post(page('/bp/x'))
    expect(full.headers.get('retry-after')).toBe('1')
    expect(((await full.json()) as { error: string }).error).toMatch(/buffer full/)
    await c.collector.flush()
    expect(await stored()).toBe(3)
    expect((await c.post(page('/bp/after'))).status).toBe(202)
  })

  it('keeps rows through a failing store and writes them once it is back', async () => {
    await c.collector.flush()
    const before = await stored()
    await c.store.client.command({ query: 'RENAME TABLE raw_hits TO raw_hits_away' })
    const observed: string[] = []
    try {
      expect((await c.post(page('/outage/1'))).status).toBe(202)
      expect((await c.post(page('/outage/2'))).status).toBe(202)
      await c.collector.flush()
      // The refused batch left memory for the disk spool.
      expect(c.collector.writer.buffered).toBe(0)
      expect(c.collector.writer.spooled).toBe(1)
    } finally {
      await c.store.client.command({ query: 'RENAME TABLE raw_hits_away TO raw_hits' })
    }
    await c.collector.flush()
    expect(c.collector.writer.spooled).toBe(0)
    observed.push(...(await rows<{ path: string }>(c.store, "SELECT path FROM raw_hits WHERE path LIKE '/outage/%' ORDER BY path")).map((r) => r.path))
    expect(observed).toEqual(['/outage/1', '/outage/2'])
    expect(await stored()).toBe(before + 2)
  })
})
