import { writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, type Config } from '@quiet-analytics/core'
import { connectStore, type Store } from '@quiet-analytics/store'
import { accountsFor, adoptLegacyAccounts, type AccountStores, type ApiKeyInfo } from '@quiet-analytics/dashboard'
import { hashPassword } from '../src/auth/passwords.ts'
import { sha256 } from '../src/auth/accounts.ts'
import { rows, tempStore, testConfig, TEST_SITE } from '../../../test/support/temp-store.ts'
import { startTestDashboard, type TestDashboard } from '../../../test/support/dashboard-server.ts'

const NOW = Date.parse('2026-11-20T12:00:00Z')
const HOUR = 3_600_000
let store: Awaited<ReturnType<typeof tempStore>>
let config: Config
let reader: Store
let dash: TestDashboard
/** Another process on the same store, as `qa user` is: the writer's connection, its own objects. */
let cli: AccountStores
let adminPw: string

const stats = '/api/stats/aggregate?site=test&period=custom&from=2026-11-20&to=2026-11-20'
const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } })
const withKey = (key: string, path = stats) => fetch(`${dash.url}${path}`, bearer(key))
const sendWithKey = (key: string, method: string, path: string, body?: unknown) =>
  fetch(`${dash.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

beforeAll(async () => {
  const base = testConfig({ sites: [TEST_SITE, { id: 'other', domains: ['other.example'] }] })
  store = await tempStore(base)
  config = { ...base, dashboard: { ...base.dashboard, sessionHours: 2, sessionMaxHours: 24 } }
  // The dashboard as deployed: its own database user, which may keep accounts and read aggregates only.
  reader = await connectStore(store.config, 'dashboard')
  dash = await startTestDashboard(config, reader, NOW)
  cli = accountsFor(config, store)
  adminPw = await dash.user('admin', 'admin')
}, 60_000)
afterAll(async () => {
  await dash.stop()
  await reader.close()
  await store.destroy()
})

describe('accounts in the store', () => {
  it('sees a user another process adds while it runs, and its own writes erase no one', async () => {
    const admin = await dash.login('admin', adminPw)
    const pw = await cli.accounts.setUser('late', 'viewer')
    const late = await dash.login('late', pw)
    expect((await late.get('/api/me')).status).toBe(200)
    // Each of these used to rewrite the whole account file from the dashboard's stale copy.
    expect((await admin.send('POST', '/api/share-links', { site: 'test' })).status).toBe(201)
    expect((await admin.send('POST', '/api/keys', {})).status).toBe(201)
    expect((await late.send('POST', '/api/password', { current: pw, next: 'late-but-long-password' })).status).toBe(200)
    expect((await cli.accounts.users()).map((u) => u.username)).toEqual(['admin', 'late'])
    expect((await dash.auth.accounts.users()).map((u) => u.username)).toEqual(['admin', 'late'])
  })

  it('applies a reset from another process at once: the old role and every session end', async () => {
    const pw = await dash.user('boss', 'admin')
    const boss = await dash.login('boss', pw)
    expect((await boss.send('POST', '/api/share-links', { site: 'test' })).status).toBe(201)
    const fresh = await cli.accounts.setUser('boss', 'viewer')
    expect((await boss.send('POST', '/api/share-links', { site: 'test' })).status).toBe(401)
    expect((await boss.send('POST', '/api/users', { username: 'mole', role: 'admin' })).status).toBe(401)
    expect((await dash.auth.accounts.user('boss'))?.role).toBe('viewer')
    const again = await dash.login('boss', fresh)
    await again.send('POST', '/api/password', { current: fresh, next: 'boss-is-a-viewer-now' })
    expect((await again.send('POST', '/api/share-links', { site: 'test' })).status).toBe(403)
    expect((await dash.auth.accounts.user('boss'))?.role).toBe('viewer')
  })

  it('ends sessions on a role change and on removal, and refuses to lose the last admin', async () => {
    const admin = await dash.login('admin', adminPw)
    const pw = await dash.user('shifty', 'viewer')
    const shifty = await dash.login('shifty', pw)
    expect((await admin.send('PATCH', '/api/users/shifty', { role: 'admin' })).status).toBe(200)
    expect((await shifty.get('/api/sites')).status).toBe(401)
    const promoted = await dash.login('shifty', pw)
    expect((await promoted.get('/api/users')).status).toBe(200)
    expect((await admin.send('DELETE', '/api/users/shifty')).status).toBe(200)
    expect((await promoted.get('/api/sites')).status).toBe(401)
    await expect(dash.login('shifty', pw)).rejects.toThrow(/401/)
    expect((await admin.send('DELETE', '/api/users/admin')).status).toBe(409)
    expect((await admin.send('PATCH', '/api/users/admin', { role: 'viewer' })).status).toBe(409)
    expect((await admin.send('DELETE', '/api/users/nobody')).status).toBe(404)
  })
})

describe('API keys', () => {
  it('default to stats:read of the listed sites, and cannot manage anything', async () => {
    const admin = await dash.login('admin', adminPw)
    const made = (await (await admin.send('POST', '/api/keys', { sites: ['test'] })).json()) as { key: string; scope: string; sites: string[] }
    expect(made).toMatchObject({ scope: 'stats:read', sites: ['test'] })
    expect((await withKey(made.key)).status).toBe(200)
    expect((await withKey(made.key, stats.replace('site=test', 'site=other'))).status).toBe(404)
    expect(((await (await withKey(made.key, '/api/sites')).json()) as { id: string }[]).map((s) => s.id)).toEqual(['test'])
    for (const [method, path, body] of [
      ['POST', '/api/keys', {}],
      ['POST', '/api/users', { username: 'mole', role: 'admin' }],
      ['POST', '/api/share-links', { site: 'test' }],
      ['GET', '/api/keys', undefined],
    ] as const) {
      const res = await sendWithKey(made.key, method, path, body)
      expect(res.status, `${method} ${path}`).toBe(403)
    }
    expect((await admin.send('POST', '/api/keys', { sites: ['elsewhere'] })).status).toBe(400)
    expect((await admin.send('POST', '/api/keys', { scope: 'root' })).status).toBe(400)
  })

  it('are listed with scope, sites, creator, creation and last use; revoking one revokes what it made', async () => {
    const admin = await dash.login('admin', adminPw)
    const now = dash.clock.now()
    const parent = (await (await admin.send('POST', '/api/keys', { scope: 'admin' })).json()) as { id: string; key: string }
    // An admin key needs no CSRF token (a bearer is not ambient), but passes on no more than it has.
    const child = (await (await sendWithKey(parent.key, 'POST', '/api/keys', { scope: 'admin', sites: ['test'] })).json()) as { id: string; key: string }
    const grandchild = (await (await sendWithKey(child.key, 'POST', '/api/keys', {})).json()) as { id: string; key: string; sites: string[] }
    expect(grandchild.sites).toEqual(['test'])
    expect((await sendWithKey(child.key, 'POST', '/api/keys', { sites: ['other'] })).status).toBe(400)
    expect((await withKey(grandchild.key)).status).toBe(200)
    const listed = (await (await admin.get('/api/keys')).json()) as ApiKeyInfo[]
    expect(listed.find((k) => k.id === child.id)).toMatchObject({ scope: 'admin', sites: ['test'], createdBy: 'admin', createdByKey: parent.id, createdAt: now })
    expect(listed.find((k) => k.id === grandchild.id)?.lastUsedAt).toBe(now)
    expect(JSON.stringify(listed)).not.toContain(parent.key)

    expect((await admin.send('DELETE', `/api/keys/${parent.id}`)).status).toBe(200)
    for (const k of [parent, child, grandchild]) expect((await withKey(k.key)).status).toBe(401)
    const after = (await (await admin.get('/api/keys')).json()) as ApiKeyInfo[]
    expect(after.find((k) => k.id === parent.id)?.inactive).toBe('revoked')
    expect(after.find((k) => k.id === grandchild.id)?.inactive).toBe('creator revoked')
  })

  it("never outlive their creator's removal, nor act as admin after the creator's demotion", async () => {
    const admin = await dash.login('admin', adminPw)
    const pw = await dash.user('leaver', 'admin')
    const leaver = await dash.login('leaver', pw)
    const { key } = (await (await leaver.send('POST', '/api/keys', { scope: 'admin' })).json()) as { key: string }
    expect((await sendWithKey(key, 'GET', '/api/keys')).status).toBe(200)
    expect((await admin.send('PATCH', '/api/users/leaver', { role: 'viewer' })).status).toBe(200)
    expect((await sendWithKey(key, 'GET', '/api/keys')).status).toBe(403)
    expect((await withKey(key)).status).toBe(200)
    await cli.accounts.removeUser('leaver')
    expect((await withKey(key)).status).toBe(401)
  })

  it('cannot be made from a session opened with a one-time password', async () => {
    const pw = await cli.accounts.setUser('rookie', 'admin')
    const rookie = await dash.login('rookie', pw)
    expect((await rookie.send('POST', '/api/keys', {})).status).toBe(403)
    expect((await rookie.send('POST', '/api/share-links', { site: 'test' })).status).toBe(403)
  })
})

describe('an earlier version', () => {
  it("has its account file moved into the store once: the same passwords, keys and links, then the file is gone", async () => {
    const file = join(config.dataDir, 'dashboard-auth.json')
    const key = 'qa_legacy-key-0123456789abcdef'
    const token = 'legacy-share-token-0123456789'
    writeFileSync(
      file,
      JSON.stringify({
        users: [{ username: 'oldtimer', role: 'admin', passwordHash: await hashPassword('an-old-long-password'), mustChangePassword: false }],
        shareLinks: [{ id: 'oldlink', tokenHash: sha256(token), site: 'test', createdAt: NOW - HOUR, revoked: false }],
        apiKeys: [{ id: 'oldkey', keyHash: sha256(key), username: 'oldtimer', createdAt: NOW - HOUR, revoked: false }],
      }),
    )
    await adoptLegacyAccounts(config, cli, createLogger('silent'))
    expect(existsSync(file)).toBe(false)
    expect((await (await dash.login('oldtimer', 'an-old-long-password')).get('/api/users')).status).toBe(200)
    expect((await withKey(key)).status).toBe(200)
    // Old keys carried their owner's full role: they come over as stats:read.
    expect((await sendWithKey(key, 'GET', '/api/keys')).status).toBe(403)
    expect((await fetch(`${dash.url}${stats}&token=${token}`)).status).toBe(200)
  })
})

describe('what the store keeps', () => {
  it('holds hashes only: no password, session id, key or share token', async () => {
    const admin = await dash.login('admin', adminPw)
    const { key } = (await (await admin.send('POST', '/api/keys', {})).json()) as { key: string }
    const { token } = (await (await admin.send('POST', '/api/share-links', { site: 'test' })).json()) as { token: string }
    const cookie = (await fetch(`${dash.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: adminPw }) })).headers.get('set-cookie')!
    const session = decodeURIComponent(/qa_session=([^;]+)/.exec(cookie)![1]!)
    for (const secret of [adminPw, key, token, session]) {
      const [{ n }] = await rows<{ n: string }>(
        store,
        `SELECT (SELECT count() FROM auth_users WHERE position(password_hash, {s:String}) > 0 OR position(username, {s:String}) > 0)
              + (SELECT count() FROM auth_sessions WHERE id_hash = {s:String})
              + (SELECT count() FROM auth_api_keys WHERE key_hash = {s:String})
              + (SELECT count() FROM auth_share_links WHERE token_hash = {s:String}) AS n`,
        { s: secret },
      ) as [{ n: string }]
      expect(Number(n)).toBe(0)
    }
    expect(Number((await rows<{ n: string }>(store, 'SELECT count() AS n FROM auth_sessions WHERE id_hash = {h:String}', { h: sha256(session) }))[0]!.n)).toBeGreaterThan(0)
  })
})

describe('sessions', () => {
  it('ends a session after its idle time, and after its absolute lifetime however active', async () => {
    const pw = await dash.user('clocked', 'viewer')
    const idle = await dash.login('clocked', pw)
    dash.clock.advance(2 * HOUR + 1000)
    expect((await idle.get('/api/sites')).status).toBe(401)
    const busy = await dash.login('clocked', pw)
    for (let h = 0; h < 23; h++) {
      dash.clock.advance(HOUR)
      expect((await busy.get('/api/sites')).status, `hour ${h + 1}`).toBe(200)
    }
    dash.clock.advance(HOUR + 1000)
    expect((await busy.get('/api/sites')).status).toBe(401)
  })
})
