import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type Config } from '@quiet-analytics/core'
import { SaltStore } from '@quiet-analytics/store'
import { Aggregator } from '@quiet-analytics/aggregator'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { generateDay } from '../../../test/fixtures/traffic.ts'

const H = 3600_000
const DAY = '2026-11-20'
const DAY_START = Date.parse(`${DAY}T00:00:00Z`)

let store: Awaited<ReturnType<typeof tempStore>>
let config: Config
const clock = manualClock(DAY_START + 20 * H)
let aggregator: Aggregator

const count = async (q: string) => Number((await rows<{ n: string }>(store, q))[0]!.n)
const saltDays = async () => (await new SaltStore(store.client, clock.now).days()).map((d) => `${d.siteId}:${d.day}`)

beforeAll(async () => {
  config = testConfig({
    sites: [
      { id: 'test', domains: ['test.example'], timezone: 'UTC' },
      { id: 'berlin', domains: ['berlin.example'], timezone: 'Europe/Berlin' },
    ],
    retention: { rawTtlHours: 48, saltGraceMinutes: 60, closeAfterMinutes: 30 },
  })
  store = await tempStore(config)
  aggregator = new Aggregator(config, store, createLogger('silent'), clock)
  const traffic = generateDay({ siteId: 'test', dayStartMs: DAY_START, visitors: 50, seed: 3 })
  await store.client.insert({ table: 'raw_hits', values: traffic.rows.filter((r) => r.ts < clock.now()), format: 'JSONEachRow' })
})
afterAll(() => store.destroy())

describe('salt lifecycle', () => {
  it("creates today's and tomorrow's salt for every site", async () => {
    const r = await aggregator.maintainSalts()
    expect(r.created.map((c) => `${c.siteId}:${c.day}`).sort()).toEqual(['berlin:2026-11-20', 'berlin:2026-11-21', 'test:2026-11-20', 'test:2026-11-21'])
    expect((await aggregator.maintainSalts()).created).toEqual([])
  })

  it('destroys a salt once its day has ended plus the grace, per time zone', async () => {
    // 23:30 UTC on the 20th is 00:30 on the 21st in Berlin: Berlin's 20th ended 30 min ago.
    clock.set(Date.parse('2026-11-20T23:30:00Z'))
    await aggregator.maintainSalts()
    expect(await saltDays()).toContain('berlin:2026-11-20')
    clock.set(Date.parse('2026-11-21T00:05:00Z'))
    const r = await aggregator.maintainSalts()
    expect(r.destroyed.map((d) => `${d.siteId}:${d.day}`)).toEqual(['berlin:2026-11-20'])
    expect(await saltDays()).toContain('test:2026-11-20')
    clock.set(Date.parse('2026-11-21T01:00:00Z'))
    expect((await aggregator.maintainSalts()).destroyed.map((d) => `${d.siteId}:${d.day}`)).toEqual(['test:2026-11-20'])
    expect((await saltDays()).some((d) => d.endsWith('2026-11-20'))).toBe(false)
    const log = await rows<{ action: string }>(store, "SELECT action FROM salt_log WHERE action = 'destroyed'")
    expect(log.length).toBe(2)
  })
})

describe('retention', () => {
  it('keeps raw rows of an open day, then purges them once the day is closed', async () => {
    clock.set(DAY_START + 20 * H)
    const raw = await count('SELECT count() AS n FROM raw_hits')
    expect(raw).toBeGreaterThan(0)
    await aggregator.rollup()
    expect(await aggregator.purge()).toEqual([])
    clock.set(Date.parse('2026-11-21T00:31:00Z'))
    const ticked = await aggregator.tick()
    expect(ticked.rolledUp).toEqual([{ day: DAY, sites: ['test'], closed: ['test'] }])
    expect(ticked.purged.every((p) => p.reason === 'rolled_up' && p.neverRolledRows === 0)).toBe(true)
    expect(await count('SELECT count() AS n FROM raw_hits')).toBe(0)
    expect(await count('SELECT sum(rows) AS n FROM purge_log')).toBe(raw)
    expect(await count('SELECT visitors AS n FROM agg_totals_daily')).toBe(50)
  })

  it('never aggregates rows that arrive for a closed day, and counts them as late and never rolled up when purged', async () => {
    const before = await rows(store, 'SELECT * FROM agg_totals_daily ORDER BY ALL')
    // Ten rows of the closed day, inserted after its closing rollup (a spool replayed late).
    const late = Array.from({ length: 10 }, (_, i) => ({ ts: DAY_START + 15 * H + i, site_id: 'test', visitor_id: String(900 + i), name: 'pageview', path: `/late/${i}`, props: {} }))
    await store.client.insert({ table: 'raw_hits', values: late, format: 'JSONEachRow' })
    expect(await aggregator.rollup({ force: true })).toEqual([])
    expect(await rows(store, 'SELECT * FROM agg_totals_daily ORDER BY ALL')).toEqual(before)
    const purged = await aggregator.purge()
    expect(purged).toMatchObject([{ reason: 'rolled_up', rows: 10, neverRolledRows: 10 }])
    expect(await count('SELECT count() AS n FROM raw_hits')).toBe(0)
    expect(await count("SELECT sum(events) AS n FROM ingest_drops WHERE reason = 'late' AND site_id = 'test'")).toBe(10)
  })

  it('drops rows past the raw TTL even if never rolled up, and records them', async () => {
    const orphan = { ts: Date.parse('2026-11-21T02:10:00Z'), site_id: 'unconfigured', visitor_id: '1', name: 'pageview', path: '/x', props: {} }
    await store.client.insert({ table: 'raw_hits', values: [orphan, { ...orphan, visitor_id: '2' }], format: 'JSONEachRow' })
    clock.set(Date.parse('2026-11-23T02:59:00Z'))
    expect((await aggregator.purge(true)).length).toBe(0)
    clock.set(Date.parse('2026-11-23T03:00:00Z'))
    const dry = await aggregator.purge(true)
    expect(dry).toMatchObject([{ reason: 'ttl', rows: 2, neverRolledRows: 2 }])
    expect(await count('SELECT count() AS n FROM raw_hits')).toBe(2)
    await aggregator.purge()
    expect(await count('SELECT count() AS n FROM raw_hits')).toBe(0)
    expect(await count("SELECT sum(never_rolled_rows) AS n FROM purge_log WHERE reason = 'ttl'")).toBe(2)
  })

  it('after the TTL, no raw row and no salt older than allowed remain', async () => {
    clock.set(Date.parse('2026-11-23T12:00:00Z'))
    await aggregator.tick()
    expect(await count('SELECT count() AS n FROM raw_hits')).toBe(0)
    const days = await saltDays()
    expect(days.every((d) => d.endsWith('2026-11-23') || d.endsWith('2026-11-24'))).toBe(true)
  })

  it('keeps the TTL backstop at the configured raw TTL plus one hour', async () => {
    await aggregator.start()
    await aggregator.stop()
    const [t] = await rows<{ q: string }>(store, "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'raw_hits'")
    expect(t!.q).toContain('toIntervalHour(49)')
  })
})
