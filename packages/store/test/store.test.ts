import { readdirSync, readFileSync } from 'node:fs'
import { getPriority } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINE_NICE, migrate, MigrationError, readMigrations, SaltStore, type Migration } from '../src/index.ts'
import { rows, tempStore } from '../../../test/support/temp-store.ts'

let store: Awaited<ReturnType<typeof tempStore>>
beforeAll(async () => {
  store = await tempStore()
})
afterAll(() => store.destroy())

describe('migrations', () => {
  it('are applied once and recorded', async () => {
    const again = await migrate(store.client)
    expect(again.applied).toEqual([])
    const applied = await rows<{ name: string }>(store, "SELECT name FROM schema_migrations WHERE state = 'done' ORDER BY version")
    expect(applied.map((r) => r.name)).toEqual(readMigrations().map((m) => m.name))
  })
  it('list pending ones in a dry run without applying them', async () => {
    const extra: Migration = { version: 9001, name: '9001_probe', checksum: 'x', statements: ['CREATE TABLE probe (a UInt8) ENGINE = Memory'] }
    const r = await migrate(store.client, { dryRun: true, migrations: [...readMigrations(), extra] })
    expect(r.pending).toEqual(['9001_probe'])
    const t = await rows(store, "SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'probe'")
    expect(t).toEqual([])
  })
  it('refuse to run on a dirty state', async () => {
    const broken: Migration = { version: 9002, name: '9002_broken', checksum: 'y', statements: ['CREATE TABLE broken (a NoSuchType) ENGINE = Memory'] }
    await expect(migrate(store.client, { migrations: [...readMigrations(), broken] })).rejects.toThrow()
    await expect(migrate(store.client)).rejects.toThrow(MigrationError)
    await store.client.command({ query: 'DELETE FROM schema_migrations WHERE version = 9002' })
    await expect(migrate(store.client)).resolves.toEqual({ applied: [], pending: [] })
  })
  it('create the raw table with only the minimal columns', async () => {
    const cols = await rows<{ name: string }>(store, "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'raw_hits'")
    const names = cols.map((c) => c.name)
    for (const forbidden of ['ip', 'user_agent', 'referrer', 'url']) expect(names).not.toContain(forbidden)
    expect(names).toContain('visitor_id')
  })
})

describe.runIf(process.platform === 'linux' && !process.env.CLICKHOUSE_URL)('the engine process', () => {
  it('runs every thread below the collectors, after it has inserted and merged', async () => {
    await store.insertLines({ table: 'raw_hits', columns: ['ts', 'site_id', 'visitor_id', 'name', 'path', 'props'], body: Buffer.from(`[${Date.now()},"s","1","pageview","/",{}]`), dedupToken: 'nice-probe' })
    await store.client.command({ query: 'OPTIMIZE TABLE raw_hits FINAL' })
    const pid = store.engine!.enginePid
    const threads = () => readdirSync(`/proc/${pid}/task`).map((tid) => ({ name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), nice: getPriority(Number(tid)) }))
    expect(threads().length).toBeGreaterThan(5)
    await expect.poll(() => threads().filter((t) => t.nice < ENGINE_NICE).map((t) => t.name), { timeout: 10_000 }).toEqual([])
    expect(getPriority(process.pid)).toBe(0)
  })
})

describe('SaltStore', () => {
  it('leaves racing instances on the same salt', async () => {
    const a = new SaltStore(store.client, () => 1000)
    const b = new SaltStore(store.client, () => 1001)
    const [sa, sb] = await Promise.all([a.ensure('race', '2026-11-23', 'collector').then((r) => r.salt), b.ensure('race', '2026-11-23', 'collector').then((r) => r.salt)])
    const settled = await a.get('race', '2026-11-23')
    expect(settled).toBeDefined()
    expect(sa.length).toBe(32)
    // Both may have inserted a candidate; every later read agrees on the first one.
    expect((await b.get('race', '2026-11-23'))!.equals(settled!)).toBe(true)
    expect([sa, sb].some((s) => s.equals(settled!))).toBe(true)
  })
  it('keeps different salts per site and day', async () => {
    const s = new SaltStore(store.client, () => 2000)
    const x = await s.ensure('site-a', '2026-11-23', 'collector').then((r) => r.salt)
    expect((await s.ensure('site-a', '2026-11-24', 'collector').then((r) => r.salt)).equals(x)).toBe(false)
    expect((await s.ensure('site-b', '2026-11-23', 'collector').then((r) => r.salt)).equals(x)).toBe(false)
    expect((await s.ensure('site-a', '2026-11-23', 'collector').then((r) => r.salt)).equals(x)).toBe(true)
  })
  it('logs every creation once, with who made it', async () => {
    const s = new SaltStore(store.client, () => 3000)
    await s.ensure('logged', '2026-11-23', 'aggregator')
    await s.ensure('logged', '2026-11-23', 'collector')
    await s.ensure('logged', '2026-11-24', 'collector')
    const log = await (await store.client.query({ query: "SELECT toString(day) AS day, toString(action) AS action, actor FROM salt_log WHERE site_id = 'logged' ORDER BY day", format: 'JSONEachRow' })).json()
    expect(log).toEqual([
      { day: '2026-11-23', action: 'created', actor: 'aggregator' },
      { day: '2026-11-24', action: 'created', actor: 'collector' },
    ])
  })
})
