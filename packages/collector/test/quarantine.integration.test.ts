import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RAW_HIT_COLUMNS } from '@quiet-analytics/core'
import { QUARANTINE_AFTER_MS, replayQuarantine } from '@quiet-analytics/collector'
import { REFUSALS_BEFORE_QUARANTINE } from '../src/writer/batch-writer.ts'
import { tailHit } from '../../../test/fixtures/traffic.ts'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows } from '../../../test/support/temp-store.ts'

let c: TestCollector
/** The collector's clock runs this far ahead of the real one: the test moves it past the quarantine's half minute. */
let ahead = 0
let spoolDir: string
const quarantined = () => (existsSync(join(spoolDir, 'quarantine')) ? readdirSync(join(spoolDir, 'quarantine')).sort() : [])
const paths = async () => (await rows<{ path: string }>(c.store, 'SELECT path FROM raw_hits ORDER BY path')).map((r) => r.path)
const page = (path: string) => ({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' })
/** A spool file as the writer writes it: a header line, then JSONCompactEachRow lines. */
const batchFile = (id: string, lines: string[]) => `${JSON.stringify({ id, rows: lines.length, format: 'lines' })}\n${lines.join('\n')}`

beforeAll(async () => {
  c = await startTestCollector(undefined, undefined, { now: () => Date.now() + ahead })
  spoolDir = join(c.store.config.dataDir, 'spool', '0')
})
afterAll(() => c?.stop())

describe('the spool quarantine', () => {
  it('sets aside a batch the store refuses for its bytes for half a minute, and stores the batches behind it', async () => {
    writeFileSync(join(spoolDir, '000000000001-garbled.json'), batchFile('garbled', ['[1763640000000, "test", "not a row']), { mode: 0o600 })
    expect((await c.post(page('/fine'))).status).toBe(202)
    // Refused again and again within half a minute: a store restarting mid-insert can garble a few answers, never that many.
    for (let i = 0; i < REFUSALS_BEFORE_QUARANTINE + 2; i++) await c.collector.flush()
    expect(quarantined()).toEqual([])
    ahead += QUARANTINE_AFTER_MS
    await c.collector.flush()
    expect(quarantined()).toEqual(['000000000001-garbled.json'])
    expect(await paths()).toEqual(['/fine'])
    expect((await c.collector.readiness()).spoolBytes).toBe(0)
    expect((await c.collector.metrics.spoolQuarantined.get()).values[0]!.value).toBe(1)
  })

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
