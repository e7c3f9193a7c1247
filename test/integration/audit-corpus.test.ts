import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator, formatReport, runAudit } from '@quiet-analytics/aggregator'
import { loadCorpus } from '../../bench/lib/corpus.ts'
import { rawDay } from '../../bench/lib/raw-traffic.ts'
import { rows, tempStore, testConfig } from '../support/temp-store.ts'

const H = 3600_000
// Yesterday, so the raw rows stay inside every TTL whatever day the suite runs.
const dayStart = Math.floor(Date.now() / (24 * H)) * 24 * H - 24 * H
let store: Awaited<ReturnType<typeof tempStore>>
const config = testConfig({ sites: [{ id: 'bench', domains: ['bench.example'] }] })

beforeAll(async () => {
  store = await tempStore(config)
  for (const rows of rawDay(loadCorpus(), { siteId: 'bench', dayStartMs: dayStart, pageviews: 20_000, seed: 7 })) {
    await store.client.insert({ table: 'raw_hits', values: rows, format: 'JSONEachRow' })
  }
}, 60_000)
afterAll(() => store?.destroy())

describe('the privacy audit on a store filled from the benchmark corpus', () => {
  it('passes with the day open (raw rows, default k), and once it is closed and purged', async () => {
    const clock = manualClock(dayStart + 20 * H)
    const aggregator = new Aggregator(config, store, createLogger('silent'), clock)
    await aggregator.maintainSalts()
    // Late visits run past midnight: the next day has a few rows too.
    expect((await aggregator.rollup()).length).toBeGreaterThan(0)
    const open = await runAudit(store, config, clock.now())
    expect(open.failed, formatReport(open)).toEqual([])
    clock.set(dayStart + 25 * H)
    const tick = await aggregator.tick()
    expect(tick.rolledUp.flatMap((r) => r.closed)).toContain('bench')
    // The tick that closed the day audited the store itself, once everything it purges was gone.
    const scheduled = await rows<{ passed: number; report: string }>(store, 'SELECT passed, report FROM audit_log ORDER BY at DESC LIMIT 1')
    expect(scheduled[0]!.passed, scheduled[0]!.report).toBe(1)
    expect(await rows(store, 'SELECT count() AS n FROM audit_log')).toEqual([{ n: '2' }])
  }, 120_000)
})
