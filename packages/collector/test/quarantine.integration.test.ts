import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RAW_HIT_COLUMNS } from '@quiet-analytics/core'
import { QUARANTINE_AFTER_MS, replayQuarantine } from '@quiet-analytics/collector'
import { tailHit } from '../../../test/fixtures/traffic.ts'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows } from '../../../test/support/temp-store.ts'

let c: TestCollector
let spoolDir: string
const quarantined = () => (existsSync(join(spoolDir, 'quarantine')) ? readdirSync(join(spoolDir, 'quarantine')).sort() : [])
const paths = async () => (await rows<{ path: string }>(c.store, 'SELECT path FROM raw_hits ORDER BY path')).map((r) => r.path)
const page = (path: string) => ({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' })
/** A spool file as the writer writes it: a header line, then JSONCompactEachRow lines. */
const batchFile = (id: string, lines: string[]) => `${JSON.stringify({ id, rows: lines.length, format: 'lines' })}\n${lines.join('\n')}`

beforeAll(async () => {
  c = await startTestCollector()
  spoolDir = join(c.store.config.dataDir, 'spool', '0')
})
afterAll(() => c?.stop())

describe('the spool quarantine', () => {
  it('sets aside a batch the store refuses for its bytes for half a minute, and stores the batches behind it', async () => {
    writeFileSync(join(spoolDir, '000000000001-garbled.json'), batchFile('garbled', ['[1763640000000, "test", "not a row']), { mode: 0o600 })
    expect((await c.post(page('/fine'))).status).toBe(202)
    const started = Date.now()
    await expect
      .poll(
        async () => {
          await c.collector.flush()
          return quarantined()
        },
        { timeout: QUARANTINE_AFTER_MS + 20_000, interval: 1000 },
      )
      .toEqual(['000000000001-garbled.json'])
    // Not before half a minute of refusals: a store restarting mid-insert can garble a few answers, never that many.
    expect(Date.now() - started).toBeGreaterThanOrEqual(QUARANTINE_AFTER_MS)
    await c.collector.flush()
    expect(await paths()).toEqual(['/fine'])
    expect((await c.collector.readiness()).spoolBytes).toBe(0)
    expect((await c.collector.metrics.spoolQuarantined.get()).values[0]!.value).toBe(1)
  }, QUARANTINE_AFTER_MS + 30_000)

  it('sets aside a file that is not a batch, without blocking the spool', async () => {
    writeFileSync(join(spoolDir, '000000000002-torn.json'), '{"id": "torn", "li', { mode: 0o600 })
    expect((await c.post(page('/after-torn'))).status).toBe(202)
    await c.collector.flush()
    expect(await paths()).toEqual(['/after-torn', '/fine'])
    expect(quarantined()).toEqual(['000000000001-garbled.json', '000000000002-torn.json'])
  })

  it('stores with qa spool replay what the store now takes, and keeps the rest with the reason', async () => {
    // A batch set aside earlier for a cause since fixed.
    const row = { ...tailHit('test', '77'), ts: Date.now(), path: '/replayed' }
    mkdirSync(join(spoolDir, 'quarantine'), { recursive: true, mode: 0o700 })
    writeFileSync(join(spoolDir, 'quarantine', '000000000003-fixed.json'), batchFile('fixed', [JSON.stringify(RAW_HIT_COLUMNS.map((col) => row[col]))]), { mode: 0o600 })
    const results = await replayQuarantine(c.store.config, c.store)
    expect(results.map((r) => [r.file, r.error === undefined ? 'stored' : r.error === 'not a batch file' ? r.error : 'refused'])).toEqual([
      ['000000000001-garbled.json', 'refused'],
      ['000000000002-torn.json', 'not a batch file'],
      ['000000000003-fixed.json', 'stored'],
    ])
    expect(await paths()).toEqual(['/after-torn', '/fine', '/replayed'])
    expect(quarantined()).toEqual(['000000000001-garbled.json', '000000000002-torn.json'])
  })
})
