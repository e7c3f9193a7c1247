import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { generateDay } from '../../../test/fixtures/traffic.ts'
import { tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { startTestDashboard, type TestDashboard } from '../../../test/support/dashboard-server.ts'

const DAY = '2026-11-20'
let store: Awaited<ReturnType<typeof tempStore>>
let dash: TestDashboard
let cookie: string
let csrf: string

beforeAll(async () => {
  const config = testConfig({ aggregation: { minGroupSize: 1 } })
  store = await tempStore(config)
  await store.client.insert({ table: 'raw_hits', values: generateDay({ siteId: 'test', dayStartMs: Date.parse(`${DAY}T00:00:00Z`), visitors: 30, seed: 6 }).rows, format: 'JSONEachRow' })
  await new Aggregator(config, store, createLogger('silent'), manualClock(Date.parse('2026-11-21T10:00:00Z'))).rollup()
  dash = await startTestDashboard(config, store, Date.parse(`${DAY}T12:00:00Z`))
  const res = await fetch(`${dash.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: await dash.user('admin', 'admin') }) })
  cookie = res.headers.get('set-cookie')!.split(';')[0]!
  csrf = ((await res.json()) as { csrf: string }).csrf
}, 60_000)
afterAll(async () => {
  await dash?.stop()
  await store?.destroy()
})

const ROUTES: [method: string, path: string][] = [
  ['GET', '/api/me'], ['GET', '/api/sites'], ['GET', '/api/stats/aggregate'], ['GET', '/api/stats/timeseries'], ['GET', '/api/stats/current'],
  ['GET', '/api/stats/events'], ['GET', '/api/stats/goals'], ['GET', '/api/stats/breakdown/page'], ['GET', '/api/stats/breakdown/country.csv'],
  ['GET', '/api/stats/breakdown'], ['GET', '/api/stats/properties'], ['GET', '/api/stats/drops'], ['GET', '/api/privacy'], ['GET', '/api/share-links'],
  ['GET', '/api/users'], ['POST', '/api/login'], ['POST', '/api/password'], ['POST', '/api/share-links'], ['POST', '/api/keys'], ['POST', '/api/users'],
  ['DELETE', '/api/share-links/x'], ['GET', '/api/keys'], ['DELETE', '/api/keys/x'], ['PATCH', '/api/users/x'], ['DELETE', '/api/users/x'], ['GET', '/'], ['GET', '/share/x'],
]

/** A raw request: node:http sends headers and bodies fetch would refuse or normalise. */
function send(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${dash.url}${path}`, { method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode!))
    })
    req.once('error', reject)
    req.end(body)
  })
}

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('%', '%E0%A4%A', '\u0000', '2026-13-45', '2026-02-30', '9999-99-99', '-1', '1e309', '[]', '{}', '../../etc/passwd', "'; DROP TABLE x --"))
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '?')
const query = fc.dictionary(fc.constantFrom('site', 'period', 'from', 'to', 'filter', 'compare', 'interval', 'limit', 'token', 'property', 'event', 'x'), text, { maxKeys: 6 })

describe('hostile requests to every dashboard route', () => {
  it('never answer 5xx: cookies, headers, dates, charsets, query strings and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        query,
        fc.record({
          cookie: fc.oneof(fc.constant(cookie), text.map((t) => `qa_session=${printable(t)}`), text.map(printable)),
          csrf: fc.oneof(fc.constant(csrf), text.map(printable)),
          type: fc.constantFrom('application/json', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=bogus', 'text/plain', 'application/x-www-form-urlencoded', ''),
          encoding: fc.constantFrom('', 'gzip', 'br', 'bogus'),
          authorization: fc.oneof(fc.constant(''), text.map((t) => `Bearer ${printable(t)}`)),
        }),
        fc.oneof(fc.constant(undefined), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')), fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b))),
        async ([method, path], q, h, body) => {
          const headers: Record<string, string> = { cookie: h.cookie, 'x-csrf-token': h.csrf }
          if (h.type) headers['content-type'] = h.type
          if (h.encoding) headers['content-encoding'] = h.encoding
          if (h.authorization) headers.authorization = h.authorization
          const qs = new URLSearchParams({ site: 'test', ...q }).toString()
          const status = await send(method, `${path}?${qs}`, headers, method === 'GET' ? undefined : body)
          expect(status, `${method} ${path}?${qs} ${JSON.stringify(h)}`).toBeLessThan(500)
        },
      ),
      { numRuns: 400, seed: 20261123 },
    )
  }, 120_000)

  it('answers the reported cases with 4xx and a reason', async () => {
    expect(await send('GET', '/api/stats/aggregate?site=test', { cookie: 'qa_session=%' }, undefined)).toBe(401)
    expect(await send('GET', `/api/stats/aggregate?site=test&period=custom&from=2026-13-01&to=2026-13-02`, { cookie }, undefined)).toBe(400)
    expect(await send('POST', '/api/password', { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json; charset=bogus' }, Buffer.from('{}'))).toBe(415)
  })
})
