import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverTracker } from '@quiet-analytics/collector'
import { CHROME_UA, startTestCollector, type TestCollector } from '../support/collector-server.ts'
import { startTestDashboard, type TestDashboard } from '../support/dashboard-server.ts'
import { testConfig } from '../support/temp-store.ts'

let c: TestCollector
let dash: TestDashboard

beforeAll(async () => {
  c = await startTestCollector(testConfig({ sites: [{ id: 'test', domains: ['test.example'], events: ['Signup'] }], collector: { rateLimitPerMinute: 3, trustedProxies: ['127.0.0.1/32'] } }))
  dash = await startTestDashboard(c.store.config, c.store, Date.now())
})
afterAll(async () => {
  await dash?.stop()
  await c?.stop()
})

describe('what the collector refuses, per day, for the maintainers', () => {
  it('counts bots, consent refusals, rate-limited and invalid events of the site, from every entry', async () => {
    const page = { n: 'pageview', u: 'https://test.example/', d: 'test.example' }
    const ip = (n: number) => ({ 'x-forwarded-for': `198.51.${n}.10` })
    expect((await c.post(page, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36' })).status).toBe(403)
    expect((await c.post(page, { dnt: '1' })).status).toBe(202)
    expect((await c.post(page, { 'sec-gpc': '1' })).status).toBe(202)
    // Four events from one network against a budget of three a minute.
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await c.post({ ...page, u: `https://test.example/r${i}` }, ip(1))).status)
    expect(statuses).toEqual([202, 202, 202, 429])
    // Invalid: a misspelt field, a bad URL, a refused origin, and a server-side hit with no URL; one for an unknown site is not the site's.
    expect((await c.post({ ...page, refferer: 'x' })).status).toBe(400)
    expect((await c.post({ ...page, u: 'ftp://test.example/' }, ip(2))).status).toBe(400)
    expect((await c.post(page, { origin: 'https://elsewhere.example', ...ip(7) })).status).toBe(403)
    expect((await serverTracker(c.collector)({ url: 'not a url', domain: 'test.example', ip: '203.0.113.5', userAgent: CHROME_UA })).status).toBe('rejected')
    expect((await c.post({ ...page, d: 'unknown.example' })).status).toBe(404)
    // The site declares its events: a declared one is stored, any other name is dropped and counted.
    expect(await (await c.post({ ...page, n: 'Signup' }, ip(3))).json()).toEqual({ status: 'accepted' })
    expect(await (await c.post({ ...page, n: 'Buy cheap pills' }, ip(3))).json()).toEqual({ status: 'dropped', reason: 'undeclared_event' })
    await c.collector.flush()

    const admin = await dash.login('admin', await dash.user('admin', 'admin'))
    const res = await admin.get('/api/stats/drops?site=test&period=7d')
    expect(res.status).toBe(200)
    const drops = (await res.json()) as { days: { day: string }[]; totals: Record<string, number> }
    expect(drops.totals).toEqual({ bot: 1, consent: 2, rate_limited: 1, undeclared_event: 1, invalid: 4, late: 0 })
    expect(drops.days).toHaveLength(1)
    expect(drops.days[0]).toMatchObject({ bot: 1, consent: 2, rate_limited: 1, undeclared_event: 1, invalid: 4 })
  })

  it('keeps them from the audience of a share link', async () => {
    const admin = await dash.login('admin2', await dash.user('admin2', 'admin'))
    const link = (await (await admin.send('POST', '/api/share-links', { site: 'test' })).json()) as { token: string }
    expect((await fetch(`${dash.url}/api/stats/drops?site=test&period=7d&token=${link.token}`)).status).toBe(401)
    expect((await fetch(`${dash.url}/api/stats/aggregate?site=test&period=7d&token=${link.token}`)).status).toBe(200)
  })
})
