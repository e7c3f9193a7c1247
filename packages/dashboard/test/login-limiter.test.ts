import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SPRAY_FACTOR } from '../src/auth/login-limiter.ts'
import { tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { startTestDashboard, type TestDashboard } from '../../../test/support/dashboard-server.ts'

const MAX = 3
let store: Awaited<ReturnType<typeof tempStore>>
let dash: TestDashboard
let adminPw: string
let viewerPw: string

beforeAll(async () => {
  // Behind a trusted reverse proxy on loopback: each test comes from networks of its own.
  const config = testConfig({ dashboard: { loginAttempts: MAX }, collector: { trustedProxies: ['127.0.0.1/32'] } })
  store = await tempStore(config)
  dash = await startTestDashboard(config, store, Date.now())
  adminPw = await dash.user('admin', 'admin')
  viewerPw = await dash.user('viewer', 'viewer')
}, 60_000)
afterAll(async () => {
  await dash?.stop()
  await store?.destroy()
})

const login = (username: string, password: string, network: number) =>
  fetch(`${dash.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.${network}.20` }, body: JSON.stringify({ username, password }) }).then((r) => r.status)

describe('the login limiter', () => {
  it('blocks an account on a network after its failures, and the right password does not lift it', async () => {
    const statuses = []
    for (let i = 0; i < MAX + 1; i++) statuses.push(await login('admin', 'wrong', 1))
    expect(statuses).toEqual([401, 401, 401, 429])
    expect(await login('admin', adminPw, 1)).toBe(429)
  })

  it('is not reset by logging in to another account in between', async () => {
    expect(await login('admin', 'wrong', 2)).toBe(401)
    expect(await login('admin', 'wrong', 2)).toBe(401)
    expect(await login('viewer', viewerPw, 2)).toBe(200)
    expect(await login('admin', 'wrong', 2)).toBe(401)
    expect(await login('admin', 'wrong', 2)).toBe(429)
  })

  it('counts parallel attempts before checking any password', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, () => login('admin', 'wrong', 3)))
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX)
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - MAX)
  })

  it('lets the others on a network log in while one account is blocked there', async () => {
    for (let i = 0; i < MAX; i++) expect(await login('admin', 'wrong', 4)).toBe(401)
    expect(await login('admin', adminPw, 4)).toBe(429)
    expect(await login('viewer', viewerPw, 4)).toBe(200)
  })

  it('blocks a network that guesses across many accounts', async () => {
    const guesses = MAX * SPRAY_FACTOR
    for (let i = 0; i < guesses; i++) expect(await login(`user${i}`, 'wrong', 5)).toBe(401)
    expect(await login('viewer', viewerPw, 5)).toBe(429)
    // Another network behind the same proxy is not affected.
    expect(await login('viewer', viewerPw, 6)).toBe(200)
  })
})
