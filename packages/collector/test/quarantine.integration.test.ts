import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replayQuarantine } from '@qa/collector'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows } from '../../../test/support/temp-store.ts'

let c: TestCollector
let spoolDir: string
const quarantined = () => (existsSync(join(spoolDir, 'quarantine')) ? readdirSync(join(spoolDir, 'quarantine')) : [])
const paths = async () => (await rows<{ path: string }>(c.store, 'SELECT path FROM raw_hits ORDER BY path')).map((r) => r.path)
const page = (path: string) => ({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' })

beforeAll(async () => {
  c = await startTestCollector()
  spoolDir = join(c.store.config.dataDir, 'spool', '0')
})
afterAll(() => c?.stop())

describe('the spool quarantine', () => {
  it('sets aside a batch the store refuses for its content, and stores the batches behind it', async () => {
    // The store refuses these rows for what they hold, as it would after a bad migration.
    await c.store.client.command({ query: "ALTER TABLE raw_hits ADD CONSTRAINT no_blocked CHECK path != '/blocked'" })
    expect((await c.post(page('/blocked'))).status).toBe(202)
    await c.collector.flush()
    expect((await c.post(page('/fine'))).status).toBe(202)
    await expect
      .poll(
        async () => {
          await c.collector.flush()
          return quarantined().length
        },
        { timeout: 20_000 },
      )
      .toBe(1)
    await c.collector.flush()
    expect(await paths()).toEqual(['/fine'])
    expect((await c.collector.readiness()).spoolBytes).toBe(0)
    expect((await c.collector.metrics.spoolQuarantined.get()).values[0]!.value).toBe(1)
  })

  it('sets aside a file that is not a batch, without blocking the spool', async () => {
    writeFileSync(join(spoolDir, '000000000000-torn.json'), '{"id": "torn", "li', { mode: 0o600 })
    expect((await c.post(page('/after-torn'))).status).toBe(202)
    await c.collector.flush()
    expect(await paths()).toEqual(['/after-torn', '/fine'])
    expect(quarantined().sort()).toHaveLength(2)
  })

  it('stores the quarantined batch with qa spool replay once the cause is gone, and keeps what is not a batch', async () => {
    await c.store.client.command({ query: 'ALTER TABLE raw_hits DROP CONSTRAINT no_blocked' })
    const results = await replayQuarantine(c.store.config, c.store)
    expect(results.map((r) => [r.rows, r.error])).toEqual([
      [0, 'not a batch file'],
      [1, undefined],
    ])
    expect(await paths()).toEqual(['/after-torn', '/blocked', '/fine'])
    expect(quarantined()).toEqual(['000000000000-torn.json'])
  })
})
