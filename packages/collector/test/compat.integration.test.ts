import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageviewMiddleware, serverTracker } from '@quiet-analytics/collector'
import { CHROME_UA, startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows, testConfig } from '../../../test/support/temp-store.ts'

let c: TestCollector
beforeAll(async () => {
  c = await startTestCollector(testConfig({ sites: [{ id: 'test', domains: ['test.example'], umamiWebsiteId: '6a3c7f0e-1b2d-4e5f-8a9b-0c1d2e3f4a5b' }] }))
})
afterAll(() => c.stop())

const stored = async (where: string) => {
  await c.collector.flush()
  return rows<Record<string, unknown>>(c.store, `SELECT name, path, screen_class, language, referrer_host, props FROM raw_hits WHERE ${where}`)
}
const umami = (payload: object, type = 'event') =>
  fetch(`${c.url}/api/send`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA, 'accept-language': 'fr' }, body: JSON.stringify({ type, payload }) })

describe("Umami's /api/send", () => {
  const base = { hostname: 'test.example', url: '/umami/page?utm_source=x', referrer: 'https://news.ycombinator.com/item', screen: '390x844', language: 'fr-FR' }

  it('accepts its pageviews and events by website id, site id or domain, with the same processing', async () => {
    for (const website of ['6a3c7f0e-1b2d-4e5f-8a9b-0c1d2e3f4a5b', 'test', 'test.example']) expect((await umami({ ...base, website })).status).toBe(202)
    expect((await umami({ ...base, website: 'test', url: '/umami/signup', name: 'Signup', data: { plan: 'pro', seats: 3, nested: { no: 1 } } })).status).toBe(202)
    const pageviews = await stored("path = '/umami/page'")
    expect(pageviews).toHaveLength(3)
    expect(pageviews[0]).toMatchObject({ name: 'pageview', screen_class: 'mobile', language: 'fr', referrer_host: 'news.ycombinator.com' })
    expect((await stored("name = 'Signup' AND path = '/umami/signup'"))[0]!.props).toEqual({ plan: 'pro', seats: '3' })
  })

  it("takes @umami/node's payloads, which carry no hostname (and no url for a named event), as events on the site's domain", async () => {
    expect((await umami({ website: 'test', url: '/node/home' })).status).toBe(202)
    expect((await umami({ website: 'test', name: 'Node Signup', data: { plan: 'team' } })).status).toBe(202)
    await c.collector.flush()
    const hits = await rows<{ name: string; hostname: string; path: string }>(c.store, "SELECT name, hostname, path FROM raw_hits WHERE path = '/node/home' OR name = 'Node Signup' ORDER BY name")
    expect(hits).toEqual([
      { name: 'Node Signup', hostname: 'test.example', path: '/' },
      { name: 'pageview', hostname: 'test.example', path: '/node/home' },
    ])
  })

  it('refuses identify calls and malformed payloads with a reason, and unknown websites as /api/event refuses unknown domains', async () => {
    const cases: [Promise<Response>, number, RegExp][] = [
      [umami({ ...base, website: 'test', data: { email: 'x' } }, 'identify'), 400, /^type: only "event"/],
      [umami({ ...base, website: 'test', screen: 'huge' }), 400, /payload\.screen/],
      [fetch(`${c.url}/api/send`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA }, body: '{"type":"event"' }), 400, /JSON/],
      [umami({ ...base, website: 'nope' }), 404, /^unknown site$/],
      [c.post({ n: 'pageview', u: 'https://nope.example/', d: 'nope.example' }), 404, /^unknown site$/],
    ]
    for (const [pending, status, reason] of cases) {
      const res = await pending
      expect(res.status).toBe(status)
      expect(((await res.json()) as { error: string }).error).toMatch(reason)
    }
  })

  it('answers its CORS preflight', async () => {
    const res = await fetch(`${c.url}/api/send`, { method: 'OPTIONS', headers: { origin: 'https://test.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-headers')).toContain('Content-Type')
  })
})

describe('Plausible Events API bodies', () => {
  it("accepts every field Plausible's current trackers send, its version and engagement events included, and still refuses a misspelt one", async () => {
    const u = 'https://test.example/engaged'
    expect((await c.post({ n: 'pageview', v: 36, u, d: 'test.example', r: null, h: 1, i: false, p: { plan: 'pro' } })).status).toBe(202)
    // A page that shrank while read overshoots 100 % scroll; a hidden tab's clock can run past a day.
    expect((await c.post({ n: 'engagement', sd: 104, d: 'test.example', u, p: { plan: 'pro' }, e: 90_000_000, v: 36, h: 1 })).status).toBe(202)
    expect((await c.post({ n: 'engagement', sd: null, d: 'test.example', u, e: 1200, v: '2.1.0' })).status).toBe(202)
    expect((await c.post({ n: 'Legacy', u, d: 'test.example', m: '{"tier":"old"}', v: 36 })).status).toBe(202)
    expect(await stored("path = '/engaged' AND name = 'engagement'")).toHaveLength(2)
    expect(await rows(c.store, "SELECT scroll_depth, engagement_ms FROM raw_hits WHERE path = '/engaged' AND name = 'engagement' ORDER BY engagement_ms")).toEqual([
      { scroll_depth: 0, engagement_ms: 1200 },
      { scroll_depth: 100, engagement_ms: 86_400_000 },
    ])
    expect((await stored("name = 'Legacy'"))[0]!.props).toEqual({ tier: 'old' })
    const misspelt = await c.post({ n: 'pageview', u, d: 'test.example', refferer: 'https://x.example/' })
    expect(misspelt.status).toBe(400)
    expect(((await misspelt.json()) as { error: string }).error).toMatch(/refferer/)
  })

  it('accepts long field names, props as a JSON string and a revenue object', async () => {
    const body = { name: 'Purchase', url: 'https://test.example/checkout', domain: 'test.example', referrer: null, props: '{"tier":"gold"}', revenue: { currency: 'EUR', amount: '19.90' } }
    const res = await c.post(body)
    expect(res.status).toBe(202)
    expect((await stored("name = 'Purchase'"))[0]).toMatchObject({ path: '/checkout', props: { tier: 'gold' } })
  })
})

describe('server-side tracking', () => {
  it('records hits through the same pipeline: hashed, truncated, consent and bots honoured', async () => {
    const track = serverTracker(c.collector)
    const hit = { url: 'https://test.example/server/a', domain: 'test.example', ip: '203.0.113.99', userAgent: CHROME_UA }
    expect(await track(hit)).toEqual({ status: 'accepted' })
    expect(await track({ ...hit, doNotTrack: true })).toEqual({ status: 'dropped', reason: 'consent' })
    expect(await track({ ...hit, userAgent: 'curl/8.0' })).toEqual({ status: 'dropped', reason: 'bot' })
    expect(await track({ ...hit, domain: 'other.example' })).toEqual({ status: 'rejected', code: 404, reason: 'unknown site' })
    expect((await track({ ...hit, url: 'not a url' })).status).toBe('rejected')
    expect(await stored("path = '/server/a'")).toHaveLength(1)
    const text = JSON.stringify(await rows(c.store, "SELECT * FROM raw_hits WHERE path = '/server/a'"))
    expect(text).not.toContain('203.0.113')
  })

  it('counts what a reader saw of a server-rendered app: 2xx HTML and 304 navigations, not prefetches, HEAD, data or errors', async () => {
    const app = express()
    app.use(pageviewMiddleware(c.collector, { domain: 'test.example', skip: (req) => req.path === '/healthz' }))
    app.get('/ssr/page', (_req, res) => void res.type('html').send('<h1>hi</h1>'))
    app.get('/ssr/cached', (_req, res) => void res.type('html').send('<h1>the same every time</h1>'))
    app.get('/ssr/data', (_req, res) => void res.json({ ok: true }))
    app.get('/healthz', (_req, res) => void res.type('html').send('ok'))
    app.get('/ssr/missing', (_req, res) => void res.status(404).type('html').send('no'))
    const server = app.listen(0, '127.0.0.1')
    await new Promise((r) => server.once('listening', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    // node:http, not fetch: fetch adds "Cache-Control: no-cache" to conditional requests, as a browser's reload would.
    const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      new Promise<{ status: number; etag: string }>((resolve, reject) => {
        const req = request(`${url}${path}`, { method, headers: { 'user-agent': CHROME_UA, 'sec-fetch-dest': 'document', ...headers } }, (res) => {
          res.resume()
          res.once('end', () => resolve({ status: res.statusCode!, etag: String(res.headers.etag ?? '') }))
        })
        req.once('error', reject)
        req.end()
      })
    try {
      for (const path of ['/ssr/page', '/ssr/data', '/healthz', '/ssr/missing']) await get(path)
      // Revalidated: Express answers 304 to a matching ETag; the reader sees the page again.
      const { etag } = await get('/ssr/cached')
      expect((await get('/ssr/cached', { 'if-none-match': etag })).status).toBe(304)
      // Not read: a prefetch (both spellings), a HEAD, and a 304 to a script's fetch.
      await get('/ssr/page', { 'sec-purpose': 'prefetch' })
      await get('/ssr/page', { purpose: 'prefetch' })
      await get('/ssr/page', {}, 'HEAD')
      await get('/ssr/cached', { 'if-none-match': etag, 'sec-fetch-dest': 'empty' })
      await get('/ssr/page', { 'x-marker': 'last' })
      // The last request is counted once the ones before it are.
      await expect.poll(async () => (await stored("path LIKE '/ssr/%' OR path = '/healthz'")).length, { timeout: 10_000 }).toBe(4)
      expect((await stored("path LIKE '/ssr/%' OR path = '/healthz'")).map((r) => r.path).sort()).toEqual(['/ssr/cached', '/ssr/cached', '/ssr/page', '/ssr/page'])
      // The Host was an address: the site's configured domain is recorded instead.
      expect((await rows<{ hostname: string }>(c.store, "SELECT DISTINCT hostname FROM raw_hits WHERE path LIKE '/ssr/%'")).map((r) => r.hostname)).toEqual(['test.example'])
    } finally {
      server.close()
    }
  })
})
