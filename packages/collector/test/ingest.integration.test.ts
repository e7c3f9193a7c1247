import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROME_UA, startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows, testConfig } from '../../../test/support/temp-store.ts'

const page = (over: object = {}) => ({ n: 'pageview', u: 'https://test.example/pricing?utm_source=news&secret=1', d: 'test.example', r: 'https://www.google.com/search?q=who', w: 390, ...over })

let c: TestCollector
beforeAll(async () => {
  c = await startTestCollector(testConfig({ collector: { rateLimitPerMinute: 1000 } }))
})
afterAll(() => c.stop())

async function count(where = '1'): Promise<number> {
  await c.collector.flush()
  const [r] = await rows<{ n: string }>(c.store, `SELECT count() AS n FROM raw_hits WHERE ${where}`)
  return Number(r!.n)
}

describe('POST /api/event', () => {
  it('lands a pageview as a row with the expected columns', async () => {
    const res = await c.post(page(), { 'accept-language': 'de-DE,de;q=0.9' })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ status: 'accepted' })
    await c.collector.flush()
    const [row] = await rows<Record<string, unknown>>(c.store, "SELECT * EXCEPT ts FROM raw_hits WHERE path = '/pricing'")
    expect(row).toMatchObject({
      site_id: 'test',
      name: 'pageview',
      hostname: 'test.example',
      path: '/pricing',
      referrer_host: 'google.com',
      source: 'news',
      utm_source: 'news',
      browser: 'Chrome',
      os: 'Windows',
      device: 'desktop',
      screen_class: 'mobile',
      language: 'de',
      country: '',
    })
    expect(String(row!.visitor_id)).toMatch(/^\d+$/)
  })

  it('accepts text/plain bodies as sendBeacon sends them, and custom events with props', async () => {
    const res = await c.post(JSON.stringify(page({ n: 'Signup', u: 'https://test.example/join', p: { plan: 'pro' } })), { 'content-type': 'text/plain;charset=UTF-8' })
    expect(res.status).toBe(202)
    const [row] = await (async () => {
      await c.collector.flush()
      return rows<{ props: Record<string, string> }>(c.store, "SELECT props FROM raw_hits WHERE name = 'Signup'")
    })()
    expect(row!.props).toEqual({ plan: 'pro' })
  })

  it('answers CORS preflights', async () => {
    const res = await fetch(`${c.url}/api/event`, { method: 'OPTIONS', headers: { origin: 'https://test.example', 'access-control-request-method': 'POST' } })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://test.example')
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
  })

  it('gives bad input a 4xx with a JSON reason and leaves no row', async () => {
    const before = await count()
    const cases: [Promise<Response>, number, RegExp][] = [
      [c.post('{"n":'), 400, /JSON/],
      [c.post(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])), 400, /UTF-8/],
      [c.post({ n: 'pageview', d: 'test.example' }), 400, /^u:/],
      [c.post(page({ d: 'unknown.example' })), 404, /unknown site/],
      [c.post(page(), { origin: 'https://evil.example' }), 403, /^origin https:\/\/evil\.example is not allowed for site test: add it to the site's allowedOrigins$/],
      [c.post(page({ p: { pad: 'x'.repeat(20_000) } })), 413, /over 8192 bytes/],
      [c.post(page(), { 'content-type': 'application/x-www-form-urlencoded' }), 415, /content-type/],
      [fetch(`${c.url}/api/event`, { method: 'PUT', body: '{}' }), 405, /POST/],
    ]
    for (const [pending, status, reason] of cases) {
      const res = await pending
      expect(res.status).toBe(status)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(((await res.json()) as { error: string }).error).toMatch(reason)
    }
    expect(await count()).toBe(before)
  })

  it('refuses bots with 403 and drops DNT/GPC visitors with 202, counting them but storing no row', async () => {
    const before = await count()
    const bot = await c.post(page(), { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })
    expect(bot.status).toBe(403)
    expect(await bot.json()).toEqual({ error: 'bot traffic is not counted' })
    expect((await (await c.post(page(), { dnt: '1' })).json()) as object).toEqual({ status: 'dropped', reason: 'consent' })
    expect((await (await c.post(page(), { 'sec-gpc': '1' })).json()) as object).toEqual({ status: 'dropped', reason: 'consent' })
    expect(await count()).toBe(before)
    // The previous test's bad input for this site is counted as invalid, beside these.
    const drops = await rows<{ reason: string; n: string }>(c.store, 'SELECT reason, sum(events) AS n FROM ingest_drops GROUP BY reason ORDER BY reason')
    expect(drops.filter((d) => d.reason !== 'invalid').map((d) => [d.reason, Number(d.n)])).toEqual([['bot', 1], ['consent', 2]])
  })

  it('serves a no-JS pixel that records a pageview from the Referer', async () => {
    const res = await fetch(`${c.url}/api/pixel.gif?d=test.example&w=1600`, { headers: { 'user-agent': CHROME_UA, referer: 'https://test.example/no-js?x=1' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/gif')
    expect(await count("path = '/no-js' AND screen_class = 'desktop'")).toBe(1)
  })

  it('serves the tracker script gzipped under 1.5 KB', async () => {
    const res = await fetch(`${c.url}/script.js`, { headers: { 'accept-encoding': 'gzip' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(c.collector.tracker.gzipped.length).toBeLessThanOrEqual(1536)
    expect(await res.text()).toContain('sendBeacon')
    const again = await fetch(`${c.url}/script.js`, { headers: { 'if-none-match': res.headers.get('etag')! } })
    expect(again.status).toBe(304)
  })
})

describe('rate limit', () => {
  it('answers 429 past the per-minute budget of a site, whatever the addresses', async () => {
    const limited = await startTestCollector({ ...c.store.config, collector: { ...c.store.config.collector, rateLimitPerMinute: 0, siteRateLimitPerMinute: 3, trustedProxies: ['127.0.0.1'] } }, c.store)
    try {
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) statuses.push((await limited.post(page(), { 'x-forwarded-for': `198.51.${i}.7` })).status)
      expect(statuses).toEqual([202, 202, 202, 429, 429])
    } finally {
      await limited.stop()
    }
  })

  it('answers 429 past the per-minute budget of a truncated address', async () => {
    const limited = await startTestCollector({ ...c.store.config, collector: { ...c.store.config.collector, rateLimitPerMinute: 3 } }, c.store)
    try {
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) statuses.push((await limited.post(page())).status)
      expect(statuses).toEqual([202, 202, 202, 429, 429])
    } finally {
      await limited.stop()
    }
  })
})
