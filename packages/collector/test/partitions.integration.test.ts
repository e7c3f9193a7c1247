import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, RAW_HIT_COLUMNS } from '@quiet-analytics/core'
import { createCollector } from '@quiet-analytics/collector'
import { rows, tempStore, testConfig, type TempStore } from '../../../test/support/temp-store.ts'
import { CHROME_UA } from '../../../test/support/collector-server.ts'

const HOUR = 3_600_000
let store: TempStore
beforeAll(async () => {
  store = await tempStore(testConfig({ collector: { flushIntervalMs: 60_000, batchMaxRows: 100_000, rateLimitPerMinute: 0 } }))
})
afterAll(() => store.destroy())

const count = async (like: string) => Number((await rows<{ n: string }>(store, 'SELECT count() AS n FROM raw_hits WHERE path LIKE {p:String}', { p: like }))[0]!.n)

describe('a batch spanning more hours than one insert may touch', () => {
  it('reads each line’s hour from its first column', () => {
    expect(RAW_HIT_COLUMNS[0]).toBe('ts')
  })

  it('is inserted in parts, from memory and from the spool', async () => {
    // The engine's own limit, proven: one insert over 200 hourly partitions is refused.
    const over = Array.from({ length: 200 }, (_, h) => JSON.stringify([Date.now() + h * HOUR, 'test', '1', 'pageview', '/direct', {}])).join('\n')
    await expect(store.insertLines({ table: 'raw_hits', columns: ['ts', 'site_id', 'visitor_id', 'name', 'path', 'props'], body: Buffer.from(over), dedupToken: 'over' })).rejects.toThrow(/partitions/)

    const clock = manualClock(Date.now())
    const collector = createCollector({ config: store.config, store, logger: createLogger('silent'), clock })
    const record = (path: string) => collector.record({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example', r: null }, { peer: '198.51.100.4', headers: { 'user-agent': CHROME_UA } })
    // 200 hours of a fake clock in one batch.
    for (let h = 0; h < 200; h++) {
      expect(await record(`/hours/${h}`)).toEqual({ status: 'accepted' })
      clock.advance(HOUR)
    }
    await collector.flush()
    expect(await count('/hours/%')).toBe(200)

    // The same from the spool: the store refuses, 200 more hours are spooled as one batch, then replayed.
    await store.client.command({ query: 'ALTER TABLE raw_hits ADD CONSTRAINT refuse CHECK 0' })
    for (let h = 0; h < 200; h++) {
      await record(`/spooled-hours/${h}`)
      clock.advance(HOUR)
    }
    await collector.flush()
    expect(collector.writer.spooled).toBe(1)
    await store.client.command({ query: 'ALTER TABLE raw_hits DROP CONSTRAINT refuse' })
    await collector.flush()
    expect(collector.writer.spooled).toBe(0)
    expect(await count('/spooled-hours/%')).toBe(200)
    await collector.close()
  })
})
