import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, dashboardGrants, manualClock, type Config } from '@quiet-analytics/core'
import { Aggregator, dataInventory, formatReport, runAudit } from '@quiet-analytics/aggregator'
import { rows, tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { generateDay } from '../../../test/fixtures/traffic.ts'

const DAY_START = Date.parse('2026-11-20T00:00:00Z')
const H = 3600_000
let store: Awaited<ReturnType<typeof tempStore>>
let config: Config
const clock = manualClock(DAY_START + 20 * H)

const audit = (probes: string[] = []) => runAudit(store, config, clock.now(), probes)
const row = (over: Record<string, unknown>) => ({ ts: clock.now() - H, site_id: 'test', visitor_id: '5', name: 'pageview', path: '/', props: {}, ...over })

beforeAll(async () => {
  config = testConfig({ aggregation: { minGroupSize: 2 } })
  store = await tempStore(config)
  const traffic = generateDay({ siteId: 'test', dayStartMs: DAY_START, visitors: 200, seed: 11 })
  await store.client.insert({ table: 'raw_hits', values: traffic.rows.filter((r) => r.ts < clock.now()), format: 'JSONEachRow' })
  await new Aggregator(config, store, createLogger('silent'), clock).tick()
})
afterAll(() => store.destroy())

let cleanup: string[] = []
beforeEach(async () => {
  for (const sql of cleanup) await store.client.command({ query: sql })
  cleanup = []
})

describe('privacy audit', () => {
  it('passes on a clean store after a day of traffic, and records itself', async () => {
    const report = await audit()
    expect(report.failed, formatReport(report)).toEqual([])
    expect(report.checks.find((c) => c.id === 'dashboard_grants')!.detail).toBe(`qa_dashboard: ${dashboardGrants('qa').length} grants, all on aggregates, logs, accounts, funnel definitions and the list of parts`)
    expect(formatReport(report)).toMatch(/^Privacy audit .*: PASS/)
    const [logged] = await rows<{ passed: number }>(store, 'SELECT passed FROM audit_log ORDER BY at DESC LIMIT 1')
    expect(logged!.passed).toBe(1)
  })

  it('fails naming no_ip_values when an IP is planted in a raw path, a prop, an aggregate or the drop counts', async () => {
    const plants: [string, string][] = [
      ['raw_hits', JSON.stringify(row({ path: '/x/203.0.113.77' }))],
      ['raw_hits', JSON.stringify(row({ props: { note: 'from 2001:db8::42' } }))],
      ['agg_breakdown_daily', JSON.stringify({ site_id: 'test', day: '2026-11-20', dimension: 'referrer', value: '198.51.100.7' })],
      ['ingest_drops', JSON.stringify({ minute: 0, site_id: '203.0.113.9', reason: 'bot', events: 1 })],
    ]
    for (const [table, json] of plants) {
      await store.client.insert({ table, values: [JSON.parse(json)], format: 'JSONEachRow' })
      const report = await audit()
      expect(report.failed, table).toContain('no_ip_values')
      expect(report.checks.find((c) => c.id === 'no_ip_values')!.detail).toContain(table)
      await store.client.command({ query: `TRUNCATE TABLE ${table}` })
    }
  })

  it('finds a probe address in its numeric form in an integer column', async () => {
    // 203.0.113.77 as a 32-bit integer, planted where a hash would be.
    await store.client.insert({ table: 'raw_hits', values: [row({ visitor_id: String(3405803853) })], format: 'JSONEachRow' })
    const report = await audit(['203.0.113.77'])
    expect(report.failed).toContain('no_ip_values')
    expect(report.checks.find((c) => c.id === 'no_ip_values')!.detail).toMatch(/raw_hits\.visitor_id: probe address/)
    expect((await audit(['198.51.100.200'])).failed).not.toContain('no_ip_values')
    cleanup.push('TRUNCATE TABLE raw_hits')
  })

  it('fails naming no_user_agents when a user-agent is planted', async () => {
    await store.client.insert({ table: 'raw_hits', values: [row({ props: { ua: 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0' } })], format: 'JSONEachRow' })
    expect((await audit()).failed).toContain('no_user_agents')
    cleanup.push('TRUNCATE TABLE raw_hits')
  })

  it('fails naming raw_ttl when an over-age raw row is planted', async () => {
    await store.client.insert({ table: 'raw_hits', values: [row({ ts: clock.now() - 50 * H })], format: 'JSONEachRow' })
    const report = await audit()
    expect(report.failed).toContain('raw_ttl')
    expect(report.checks.find((c) => c.id === 'raw_ttl')!.detail).toMatch(/oldest 50\.0 h/)
    cleanup.push('TRUNCATE TABLE raw_hits')
  })

  it('fails naming salts when an old salt is planted', async () => {
    await store.client.insert({ table: 'salts', values: [{ site_id: 'test', day: '2026-11-18', salt: 'ab'.repeat(32), created_at: 0 }], format: 'JSONEachRow' })
    const report = await audit()
    expect(report.failed).toEqual(['salts'])
    expect(report.checks.find((c) => c.id === 'salts')!.detail).toContain('expired: test 2026-11-18')
    cleanup.push("ALTER TABLE salts DROP PARTITION '2026-11-18'")
  })

  it('fails naming spool_files when a spool file holds an address', async () => {
    const { mkdirSync, writeFileSync, rmSync } = await import('node:fs')
    const dir = `${config.dataDir}/spool`
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(`${dir}/000000000001-x.json`, JSON.stringify({ id: 'x', rows: [{ path: '/a', note: 'from 203.0.113.77' }] }), { mode: 0o600 })
    expect((await audit()).failed).toEqual(['spool_files'])
    rmSync(`${dir}/000000000001-x.json`)
  })

  it('fails naming aggregate_schemas when an identifier column is added to an aggregate', async () => {
    await store.client.command({ query: 'ALTER TABLE agg_totals_daily ADD COLUMN visitor_id UInt64' })
    expect((await audit()).failed).toContain('aggregate_schemas')
    cleanup.push('ALTER TABLE agg_totals_daily DROP COLUMN visitor_id')
  })

  it('fails naming ttl_backstops when the TTL of salts or raw_hits is removed', async () => {
    await store.client.command({ query: 'ALTER TABLE salts REMOVE TTL' })
    const report = await audit()
    expect(report.failed).toContain('ttl_backstops')
    expect(report.checks.find((c) => c.id === 'ttl_backstops')!.detail).toBe('no TTL backstop on salts')
    cleanup.push('ALTER TABLE salts MODIFY TTL stored_at + INTERVAL 3 DAY')
  })

  it('fails naming work_tables_empty when a killed rollup left work rows, and the next rollup clears them', async () => {
    await store.client.command({ query: "INSERT INTO rollup_work (site_id, day, visitor_no, ts, name, path) VALUES ('test', '2026-11-20', 42, now64(3), 'pageview', '/')" })
    expect((await audit()).failed).toContain('work_tables_empty')
    // Nothing is due (the day is unchanged), yet the leftovers go.
    expect(await new Aggregator(config, store, createLogger('silent'), clock).rollup()).toEqual([])
    expect(await rows(store, 'SELECT count() AS n FROM rollup_work')).toEqual([{ n: '0' }])
  })

  it('fails naming file_modes when a file under the data directory is readable by others', async () => {
    const file = join(config.dataDir, 'engine', 'planted.txt')
    writeFileSync(file, 'x', { mode: 0o644 })
    chmodSync(file, 0o644)
    const report = await audit()
    expect(report.failed).toContain('file_modes')
    expect(report.checks.find((c) => c.id === 'file_modes')!.detail).toContain('planted.txt (644)')
    rmSync(file)
  })

  it('fails naming no_ip_values for addresses written in other forms, in audit_log and in other databases', async () => {
    const forms = ['/u/203.0.113.77./x', '/u/203.000.113.077', '/u/ip-203-0-113-77', '/u/0xCB00714D', '/u/3405803853']
    for (const path of forms) {
      await store.client.insert({ table: 'raw_hits', values: [row({ path })], format: 'JSONEachRow' })
      expect((await audit()).failed, path).toContain('no_ip_values')
      await store.client.command({ query: 'TRUNCATE TABLE raw_hits' })
    }
    await store.client.insert({ table: 'audit_log', values: [{ at: clock.now(), passed: 1, failed: [], report: 'sent from 198.51.100.23' }], format: 'JSONEachRow' })
    expect((await audit()).checks.find((c) => c.id === 'no_ip_values')!.detail).toContain('.audit_log.report')
    await store.client.command({ query: "ALTER TABLE audit_log DELETE WHERE report LIKE '%198.51.100.23%' SETTINGS mutations_sync = 2" })
    await store.client.command({ query: 'CREATE DATABASE IF NOT EXISTS qa_elsewhere' })
    await store.client.command({ query: 'CREATE TABLE qa_elsewhere.notes (note String) ENGINE = MergeTree ORDER BY tuple()' })
    await store.client.command({ query: "INSERT INTO qa_elsewhere.notes VALUES ('from 203.0.113.77')" })
    const report = await audit()
    expect(report.checks.find((c) => c.id === 'no_ip_values')!.detail).toContain('qa_elsewhere.notes.note')
    cleanup.push('DROP DATABASE qa_elsewhere SYNC')
  })

  it('fails naming no_emails_or_tokens when an e-mail or a token is stored anywhere', async () => {
    for (const value of ['/u/dave@example.com', '/reset/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b', '/cb/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig']) {
      await store.client.insert({ table: 'agg_breakdown_daily', values: [{ site_id: 'test', day: '2026-11-20', dimension: 'page', value, visitors: 9 }], format: 'JSONEachRow' })
      const report = await audit()
      expect(report.failed, value).toContain('no_emails_or_tokens')
      expect(report.checks.find((c) => c.id === 'no_emails_or_tokens')!.detail).toContain('agg_breakdown_daily.value')
      await store.client.command({ query: "ALTER TABLE agg_breakdown_daily DELETE WHERE visitors = 9 AND dimension = 'page' SETTINGS mutations_sync = 2" })
    }
  })

  it("fails naming small_groups when a breakdown or event row under the site's k is stored", async () => {
    await store.client.insert({ table: 'agg_breakdown_daily', values: [{ site_id: 'test', day: '2026-11-19', dimension: 'page', value: '/lonely', visitors: 1 }], format: 'JSONEachRow' })
    expect((await audit()).failed).toContain('small_groups')
    await store.client.command({ query: "ALTER TABLE agg_breakdown_daily DROP PARTITION '2026-11-19'" })
    await store.client.insert({ table: 'agg_events_daily', values: [{ site_id: 'test', day: '2026-11-19', kind: 'event', event: 'from a stranger', prop_key: '', prop_value: '', visitors: 1, events: 1 }], format: 'JSONEachRow' })
    expect((await audit()).checks.find((c) => c.id === 'small_groups')!.detail).toBe('under k: 1 event rows')
    cleanup.push("ALTER TABLE agg_events_daily DROP PARTITION '2026-11-19'")
  })

  it('fails naming raw_copies when raw rows are copied into another table, here or in another database', async () => {
    await store.client.command({ query: 'CREATE TABLE raw_backup AS raw_hits' })
    expect((await audit()).checks.find((c) => c.id === 'raw_copies')!.detail).toMatch(/\.raw_backup \(\d+ columns, visitor_id\)/)
    await store.client.command({ query: 'DROP TABLE raw_backup SYNC' })
    await store.client.command({ query: 'CREATE DATABASE IF NOT EXISTS qa_copy' })
    await store.client.command({ query: 'CREATE TABLE qa_copy.hits (visitor_id UInt64, path String) ENGINE = MergeTree ORDER BY tuple()' })
    expect((await audit()).checks.find((c) => c.id === 'raw_copies')!.detail).toContain('qa_copy.hits')
    cleanup.push('DROP DATABASE qa_copy SYNC')
  })

  it('fails naming detached_parts when a raw partition is detached, and the purge removes it', async () => {
    await store.client.insert({ table: 'raw_hits', values: [row({ path: '/detached' })], format: 'JSONEachRow' })
    const [part] = await rows<{ pid: string }>(store, 'SELECT DISTINCT _partition_id AS pid FROM raw_hits')
    await store.client.command({ query: `ALTER TABLE raw_hits DETACH PARTITION ID '${part!.pid}'` })
    expect(await rows(store, 'SELECT count() AS n FROM raw_hits')).toEqual([{ n: '0' }])
    expect((await audit()).failed).toContain('detached_parts')
    const purged = await new Aggregator(config, store, createLogger('silent'), clock).purge()
    expect(purged.filter((p) => p.reason === 'detached').length).toBeGreaterThan(0)
    expect(await rows(store, "SELECT count() AS n FROM system.detached_parts WHERE database = currentDatabase()")).toEqual([{ n: '0' }])
    expect((await audit()).failed).not.toContain('detached_parts')
  })

  it('is clean again once the plants are gone', async () => {
    expect((await audit()).failed).toEqual([])
  })
})

describe('data inventory', () => {
  it('is generated from the live configuration', () => {
    const md = dataInventory({ ...config, retention: { ...config.retention, rawTtlHours: 24 }, collector: { ...config.collector, ipv4PrefixBits: 16 } })
    expect(md).toContain('first 16 bits (IPv4)')
    expect(md).toContain('never longer than 24 hours')
    expect(md).toMatch(/\| `visitor_id` \| 64-bit salted daily hash/)
    expect(md).toContain('deleted after at most 24 hours')
    // No column holds a network address, truncated or not: the statement must not say otherwise.
    expect(md).not.toContain('network address,')
  })

  it('lists every column of the live raw table, and no other', async () => {
    const md = dataInventory(config)
    const live = (await rows<{ name: string }>(store, "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'raw_hits'")).map((c) => c.name)
    const listed = [...md.matchAll(/^\| `(\w+)` \|.*\| raw_hits \|/gm)].map((m) => m[1])
    expect(listed.sort()).toEqual(live.sort())
  })

  it("states each site's own minimum group size, and the account tables with what they hold", () => {
    const md = dataInventory({ ...config, sites: [{ id: 'a', domains: ['a.example'], timezone: 'Europe/Berlin', minGroupSize: 1, goals: [], funnels: [], events: ['Signup'] }, { id: 'b', domains: ['b.example'], timezone: 'UTC', goals: [], funnels: [] }], aggregation: { ...config.aggregation, minGroupSize: 7 } })
    expect(md).toContain('| a | a.example | Europe/Berlin | 1 | Signup |')
    expect(md).toContain('| b | b.example | UTC | 7 | any name')
    expect(md).toContain("fewer than the site's minimum group size (1 or 7) visitors")
    expect(md).toMatch(/\| dashboard accounts \| .*scrypt hashes of passwords.*SHA-256 hashes of session ids, API keys and share-link tokens.*\| auth_users, auth_sessions, auth_api_keys, auth_share_links \|/)
  })
})
