import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RAW_HIT_COLUMNS, RAW_STORE_COLUMNS } from '@quiet-analytics/core'
import { CHROME_UA, startTestCollector, type TestCollector } from '../support/collector-server.ts'
import { startTestDashboard, type TestDashboard } from '../support/dashboard-server.ts'
import { rows, testConfig } from '../support/temp-store.ts'

let c: TestCollector
let dash: TestDashboard
let key: string

beforeAll(async () => {
  c = await startTestCollector(testConfig({ collector: { rateLimitPerMinute: 0, bodyLimitBytes: 8192 } }))
  dash = await startTestDashboard(c.store.config, c.store, Date.now())
  await dash.user('admin', 'admin')
  key = (await dash.auth.keys.create({ username: 'admin', scope: 'stats:read', sites: ['test'] })).key
})
afterAll(async () => {
  await dash.stop()
  await c.stop()
})

const nasty = fc.oneof(
  fc.string(),
  fc.constantFrom("' OR 1=1 --", '"; DROP TABLE raw_hits; --', '../../etc/passwd', '%00', '\u0000', '__proto__', 'constructor', '{{7*7}}', '<script>alert(1)</script>', 'a'.repeat(5000), '203.0.113.5', '\r\nSet-Cookie: x=1'),
)
const value = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(1e308), fc.constant(-0))
const hostileBody = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.record({ n: value, u: fc.oneof(value, fc.constant('https://test.example/p')), d: fc.oneof(value, fc.constant('test.example')), r: value, w: value, p: fc.dictionary(nasty, value, { maxKeys: 40 }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ n: fc.constant('pageview'), u: fc.webUrl().map((u) => u.replace(/^https?:\/\/[^/]+/, 'https://test.example')), d: fc.constant('test.example'), p: fc.dictionary(nasty, nasty, { maxKeys: 20 }) }).map((v) => JSON.stringify(v)),
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constant(`{"n":"pageview","u":"https://test.example/","d":"test.example","p":{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}}`),
  fc.constant(`${'['.repeat(5000)}${']'.repeat(5000)}`),
)

describe('hostile input', () => {
  it('ingest answers 2xx or 4xx with a reason, never 5xx, and stores only schema rows', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, nasty, async (body, header) => {
        const res = await fetch(`${c.url}/api/event`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, 'accept-language': header.replace(/[^\x20-\x7e]/g, '').slice(0, 200) },
          body,
        })
        expect(res.status).toBeLessThan(500)
        const json = (await res.json()) as Record<string, unknown>
        if (res.status >= 400) expect(typeof json.error).toBe('string')
      }),
      { numRuns: 300 },
    )
    await c.collector.flush()
    const cols = await rows<{ name: string }>(c.store, "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'raw_hits'")
    expect(cols.map((x) => x.name).sort()).toEqual([...RAW_HIT_COLUMNS, ...Object.keys(RAW_STORE_COLUMNS)].sort())
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const props = await rows<{ k: string }>(c.store, "SELECT DISTINCT arrayJoin(mapKeys(props)) AS k FROM raw_hits WHERE k IN ('__proto__', 'constructor', 'prototype')")
    expect(props).toEqual([])
  })

  it('the stats API answers 200 or 4xx to any query string, never 5xx', async () => {
    const params = fc.dictionary(fc.constantFrom('site', 'period', 'from', 'to', 'filter', 'compare', 'interval', 'limit', 'token', 'x'), nasty, { maxKeys: 6 })
    const endpoint = fc.constantFrom('aggregate', 'timeseries', 'breakdown/page', 'breakdown/country', 'breakdown/page.csv', 'events', 'goals', 'current', 'breakdown/..%2f..%2fetc')
    await fc.assert(
      fc.asyncProperty(endpoint, params, fc.boolean(), async (path, query, withSite) => {
        const q = new URLSearchParams(query)
        if (withSite) q.set('site', 'test')
        const res = await fetch(`${dash.url}/api/stats/${path}?${q}`, { headers: { authorization: `Bearer ${key}` } })
        expect(res.status).toBeLessThan(500)
      }),
      { numRuns: 300 },
    )
  })
})
