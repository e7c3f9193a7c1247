import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { serverTracker } from '@quiet-analytics/collector'
import { PII } from '../fixtures/pii.ts'
import { CHROME_UA, startTestCollector, type TestCollector } from '../support/collector-server.ts'
import { rows, testConfig } from '../support/temp-store.ts'

let c: TestCollector
const planted = fc.sample(PII, { numRuns: 24, seed: 20261124 })

beforeAll(async () => {
  // k = 1: the aggregates keep single-visitor rows, so nothing is hidden by folding.
  c = await startTestCollector(testConfig({ sites: [{ id: 'test', domains: ['test.example'], umamiWebsiteId: 'w-1' }], aggregation: { minGroupSize: 1 }, collector: { rateLimitPerMinute: 0 } }))
})
afterAll(() => c?.stop())

describe('personal data typed into any field reaches no column of any table', () => {
  it('through HTTP, the pixel, Umami and server-side tracking, raw and rolled up', async () => {
    const track = serverTracker(c.collector)
    for (const [i, pii] of planted.entries()) {
      const enc = encodeURIComponent(pii)
      const ip = { 'x-forwarded-for': `198.51.${i}.7` }
      const statuses = [
        (await c.post({ n: 'pageview', u: `https://test.example/u/${enc}/x?utm_source=${enc}&utm_medium=${enc}&utm_campaign=${enc}&utm_term=${enc}&utm_content=${enc}`, d: 'test.example', r: `https://${pii}/from` }, ip)).status,
        (await c.post({ n: 'pageview', u: `https://test.example/app#/route/${enc}?token=${enc}`, d: 'test.example', h: 1 }, ip)).status,
        (await c.post({ n: 'pageview', u: `https://test.example/in?ref=${enc}`, d: 'test.example' }, ip)).status,
        (await c.post({ n: `Signup ${pii}`, u: 'https://test.example/signup', d: 'test.example', p: { [`key ${pii}`]: `value ${pii}`, plan: pii } }, ip)).status,
        (await fetch(`${c.url}/api/pixel.gif?d=test.example&u=${encodeURIComponent(`https://test.example/px/${enc}`)}&n=${enc}`, { headers: { 'user-agent': CHROME_UA, ...ip } })).status,
        (
          await fetch(`${c.url}/api/send`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA, ...ip },
            body: JSON.stringify({ type: 'event', payload: { website: 'w-1', url: `/um/${pii}`, name: `Um ${pii}`, data: { [pii]: pii }, referrer: `https://${pii}/` } }),
          })
        ).status,
      ]
      expect(statuses.every((s) => s === 202 || s === 200), `${pii}: ${statuses.join(',')}`).toBe(true)
      expect(await track({ url: `https://test.example/srv/${enc}`, domain: 'test.example', name: `Server ${pii}`, props: { [pii]: pii }, ip: `203.0.113.${i}`, userAgent: CHROME_UA })).toEqual({ status: 'accepted' })
    }
    await c.collector.flush()
    const now = Date.now()
    await new Aggregator(c.store.config, c.store, createLogger('silent'), manualClock(now)).rollup()
    const tables = (await rows<{ name: string }>(c.store, 'SELECT name FROM system.tables WHERE database = currentDatabase()')).map((t) => t.name)
    expect(tables).toContain('raw_hits')
    expect(tables).toContain('agg_events_daily')
    const found: string[] = []
    for (const table of tables) {
      const text = JSON.stringify(await rows(c.store, `SELECT * FROM ${table}`))
      for (const pii of planted) for (const form of [pii, encodeURIComponent(pii), encodeURI(pii)]) if (text.includes(form)) found.push(`${table}: ${form}`)
    }
    expect(found).toEqual([])
    // The events did arrive: their scrubbed rows are there.
    expect(await rows(c.store, "SELECT count() AS n FROM raw_hits WHERE path LIKE '/u/%(redacted)%/x'")).toEqual([{ n: String(planted.length) }])
  }, 120_000)
})
