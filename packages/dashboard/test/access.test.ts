import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type Config } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { generateDay } from '../../../test/fixtures/traffic.ts'
import { tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { startTestDashboard, type TestDashboard } from '../../../test/support/dashboard-server.ts'

const DAY = '2026-11-20'
let store: Awaited<ReturnType<typeof tempStore>>
let config: Config
let dash: TestDashboard
let adminPw: string
let viewerPw: string

beforeAll(async () => {
  // Stored unfolded (k = 1 at rollup) so the share link's own folding is what is tested.
  const base = testConfig()
  store = await tempStore(base)
  await store.client.insert({ table: 'raw_hits', values: generateDay({ siteId: 'test', dayStartMs: Date.parse(`${DAY}T00:00:00Z`), visitors: 60, seed: 4 }).rows, format: 'JSONEachRow' })
  await new Aggregator({ ...base, aggregation: { ...base.aggregation, minGroupSize: 1 } }, store, createLogger('silent'), manualClock(Date.parse('2026-11-21T10:00:00Z'))).rollup()
  config = { ...base, aggregation: { ...base.aggregation, minGroupSize: 5 }, dashboard: { ...base.dashboard, loginAttempts: 3 } }
  dash = await startTestDashboard(config, store, Date.parse(`${DAY}T12:00:00Z`))
  adminPw = await dash.user('admin', 'admin')
  viewerPw = await dash.user('viewer', 'viewer')
}, 60_000)
afterAll(async () => {
  await dash.stop()
  await store.destroy()
})

const stats = `/api/stats/breakdown/country?site=test&period=custom&from=${DAY}&to=${DAY}&limit=100`

describe('dashboard access', () => {
  it('answers 401 to unauthenticated requests and sets security headers', async () => {
    for (const path of ['/api/stats/aggregate?site=test', '/api/sites', '/api/privacy', '/api/share-links']) {
      const res = await fetch(`${dash.url}${path}`)
      expect(res.status, path).toBe(401)
    }
    const page = await fetch(`${dash.url}/`)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('x-powered-by')).toBeNull()
  })

  it('sets an HttpOnly SameSite=Strict session cookie, new at every login (no fixation)', async () => {
    const login = () => fetch(`${dash.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'qa_session=attacker-chosen' }, body: JSON.stringify({ username: 'viewer', password: viewerPw }) })
    const a = (await login()).headers.get('set-cookie')!
    const b = (await login()).headers.get('set-cookie')!
    expect(a).toMatch(/HttpOnly/i)
    expect(a).toMatch(/SameSite=Strict/i)
    expect(a).not.toContain('attacker-chosen')
    expect(a.split(';')[0]).not.toBe(b.split(';')[0])
  })

  it('lets a viewer read but not administer', async () => {
    const viewer = await dash.login('viewer', viewerPw)
    expect((await viewer.get(stats)).status).toBe(200)
    expect((await viewer.send('POST', '/api/share-links', { site: 'test' })).status).toBe(403)
    expect((await viewer.send('POST', '/api/users', { username: 'x', role: 'admin' })).status).toBe(403)
    expect((await viewer.get('/api/users')).status).toBe(403)
    expect((await viewer.send('POST', '/api/privacy/audit')).status).toBe(403)
  })

  it('says why an admin cannot start an audit from a dashboard that does not run under pnpm start', async () => {
    const admin = await dash.login('admin', adminPw)
    expect(((await (await admin.get('/api/privacy')).json()) as { auditOnDemand: boolean }).auditOnDemand).toBe(false)
    const res = await admin.send('POST', '/api/privacy/audit')
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: string }).error).toMatch(/pnpm qa audit/)
  })

  it('requires the CSRF token on state changes made with the session cookie', async () => {
    const admin = await dash.login('admin', adminPw)
    const none = await admin.send('POST', '/api/share-links', { site: 'test' }, null)
    expect(none.status).toBe(403)
    expect(((await none.json()) as { error: string }).error).toMatch(/CSRF/)
    expect((await admin.send('POST', '/api/share-links', { site: 'test' }, 'wrong')).status).toBe(403)
    expect((await admin.send('POST', '/api/share-links', { site: 'test' })).status).toBe(201)
    expect((await admin.send('POST', '/api/logout', undefined, null)).status).toBe(403)
  })

  it('serves share links read-only, for their site only, folding rows under k; revoked links 404', async () => {
    const admin = await dash.login('admin', adminPw)
    const { id, token } = (await (await admin.send('POST', '/api/share-links', { site: 'test' })).json()) as { id: string; token: string }
    const full = (await (await admin.get(stats)).json()) as { value: string; visitors: number }[]
    const shared = await fetch(`${dash.url}${stats}&token=${token}`)
    expect(shared.status).toBe(200)
    const rows = (await shared.json()) as { value: string; visitors: number }[]
    expect(full.some((r) => r.visitors < 5)).toBe(true)
    expect(rows.filter((r) => r.value !== '(other)').every((r) => r.visitors >= 5)).toBe(true)
    expect(rows.find((r) => r.value === '(other)')!.visitors).toBe(full.filter((r) => r.visitors < 5).reduce((s, r) => s + r.visitors, 0))
    // A custom event's property values fold the same way.
    const plans = `/api/stats/breakdown?site=test&period=custom&from=${DAY}&to=${DAY}&property=event:props:plan&event=Signup`
    const allPlans = (await (await admin.get(plans)).json()) as { value: string; visitors: number }[]
    const sharedPlans = (await (await fetch(`${dash.url}${plans}&token=${token}`)).json()) as { value: string; visitors: number }[]
    expect(allPlans.some((r) => r.visitors < 5) && allPlans.some((r) => r.visitors >= 5)).toBe(true)
    expect(sharedPlans).toEqual([
      ...allPlans.filter((r) => r.visitors >= 5).map((r) => expect.objectContaining({ value: r.value, visitors: r.visitors })),
      expect.objectContaining({ value: '(other)', visitors: allPlans.filter((r) => r.visitors < 5).reduce((s, r) => s + r.visitors, 0) }),
    ])
    expect((await fetch(`${dash.url}/api/stats/aggregate?site=elsewhere&token=${token}`)).status).toBe(404)
    expect((await fetch(`${dash.url}/api/share-links?token=${token}`)).status).toBe(401)
    expect((await fetch(`${dash.url}/api/privacy?token=${token}`)).status).toBe(401)
    expect((await admin.send('DELETE', `/api/share-links/${id}`)).status).toBe(200)
    expect((await fetch(`${dash.url}${stats}&token=${token}`)).status).toBe(404)
    expect((await fetch(`${dash.url}/api/me?token=${token}`)).status).toBe(404)
    expect((await fetch(`${dash.url}${stats}&token=guessed-${token.slice(0, 10)}`)).status).toBe(404)
  })

  it('accepts API keys as bearer tokens until revoked', async () => {
    const admin = await dash.login('admin', adminPw)
    const { id, key } = (await (await admin.send('POST', '/api/keys')).json()) as { id: string; key: string }
    const withKey = () => fetch(`${dash.url}${stats}`, { headers: { authorization: `Bearer ${key}` } })
    expect((await withKey()).status).toBe(200)
    await admin.send('DELETE', `/api/keys/${id}`)
    expect((await withKey()).status).toBe(401)
  })

  it('makes the printed password one-time: the user is asked to change it, with CSRF and the current password', async () => {
    const pw = await dash.auth.accounts.setUser('newcomer', 'viewer')
    const user = await dash.login('newcomer', pw)
    expect(((await (await user.get('/api/me')).json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true)
    // Until then the server refuses the session everything else, whatever a client does.
    for (const res of [await user.get('/api/sites'), await user.get(stats), await user.send('POST', '/api/keys'), await user.send('POST', '/api/share-links', { site: 'test' })]) {
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: string }).error).toMatch(/choose your own password first/)
    }
    expect((await user.send('POST', '/api/password', { current: pw, next: 'long-enough-secret' }, null)).status).toBe(403)
    expect((await user.send('POST', '/api/password', { current: pw, next: 'short' })).status).toBe(400)
    expect((await user.send('POST', '/api/password', { current: 'wrong', next: 'long-enough-secret' })).status).toBe(403)
    expect((await user.send('POST', '/api/password', { current: pw, next: 'long-enough-secret' })).status).toBe(200)
    expect(((await (await user.get('/api/me')).json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(false)
    expect((await user.get('/api/sites')).status).toBe(200)
    await expect(dash.login('newcomer', pw)).rejects.toThrow(/401/)
    await dash.login('newcomer', 'long-enough-secret')
  })

  it("ends a user's other sessions when the password changes, and all of them when an admin resets the user", async () => {
    const pw = await dash.user('traveller', 'viewer')
    const [here, there] = [await dash.login('traveller', pw), await dash.login('traveller', pw)]
    expect((await there.get('/api/sites')).status).toBe(200)
    expect((await here.send('POST', '/api/password', { current: pw, next: 'a-brand-new-secret' })).status).toBe(200)
    expect((await here.get('/api/sites')).status).toBe(200)
    expect((await there.get('/api/sites')).status).toBe(401)
    const admin = await dash.login('admin', adminPw)
    expect((await admin.send('POST', '/api/users', { username: 'traveller', role: 'viewer' })).status).toBe(201)
    expect((await here.get('/api/sites')).status).toBe(401)
  })

  it('rate-limits failed logins per client network', async () => {
    const attempt = (password: string) => fetch(`${dash.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })
    const statuses = [] as number[]
    for (let i = 0; i < 4; i++) statuses.push((await attempt('wrong')).status)
    expect(statuses).toEqual([401, 401, 401, 429])
    expect((await attempt(adminPw)).status).toBe(429)
  })

  it('shows the privacy officer the retention settings, lifecycle logs and inventory', async () => {
    // A key rather than a login: the test above may have left this network blocked.
    const { key } = await dash.auth.keys.create({ username: 'viewer', scope: 'stats:read', sites: ['test'] })
    const res = await fetch(`${dash.url}/api/privacy`, { headers: { authorization: `Bearer ${key}` } })
    const body = (await res.json()) as { retention: { rawTtlHours: number }; lastRollup: { day: string }; inventory: string }
    expect(body.retention.rawTtlHours).toBe(48)
    expect(body.lastRollup.day).toBe(DAY)
    expect(body.inventory).toContain('| `visitor_id` |')
  })
})
