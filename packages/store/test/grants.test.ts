import { readFileSync, statSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectStore, DASHBOARD_QUERY_LIMITS, enginePaths, type Store } from '../src/index.ts'
import { tempStore, testConfig } from '../../../test/support/temp-store.ts'

// Grants are the bundled store's own: a server's users are the operator's (qa ddl dashboard-user).
const bundled = !process.env.CLICKHOUSE_URL

let writer: Awaited<ReturnType<typeof tempStore>>
let dashboard: Store

beforeAll(async () => {
  writer = await tempStore(testConfig({ clickhouse: { database: 'analytics' } }))
  dashboard = await connectStore(writer.config, 'dashboard')
})
afterAll(async () => {
  await dashboard.close()
  await writer.destroy()
})

const refusal = (p: Promise<unknown>) => p.then(() => 'allowed', (e: Error & { code?: string }) => e.code ?? e.message)

describe.runIf(bundled)('the dashboard user', () => {
  it('reads the aggregate and log tables', async () => {
    for (const table of ['agg_totals_daily', 'agg_breakdown_monthly', 'agg_realtime', 'rollup_log', 'ingest_drops']) {
      await expect(dashboard.client.query({ query: `SELECT count() FROM ${table}`, format: 'TabSeparated' }).then((r) => r.text())).resolves.toMatch(/^\d+\n$/)
    }
  })

  it('is refused raw hits, salts, the work table and the migrations ledger by the engine', async () => {
    for (const table of ['raw_hits', 'salts', 'rollup_work', 'schema_migrations', 'leases']) {
      expect(await refusal(dashboard.client.query({ query: `SELECT count() FROM ${table}` })), table).toBe('497')
    }
  })

  it('keeps its accounts: reads and writes the account tables, and merges them', async () => {
    await dashboard.client.insert({ table: 'auth_share_links', values: [{ id: 'grant-test', token_hash: 'h', site: 'x', created_by: 'a', created_at: 0, revoked: 0 }], format: 'JSONEachRow' })
    await dashboard.client.command({ query: 'OPTIMIZE TABLE auth_share_links FINAL' })
    const [row] = await (await dashboard.client.query({ query: "SELECT site FROM auth_share_links FINAL WHERE id = 'grant-test'", format: 'JSONEachRow' })).json<{ site: string }>()
    expect(row?.site).toBe('x')
    expect(await refusal(dashboard.client.command({ query: 'TRUNCATE TABLE auth_users' }))).not.toBe('allowed')
    expect(await refusal(dashboard.client.command({ query: 'DROP TABLE auth_sessions' }))).not.toBe('allowed')
  })

  it('cannot write anywhere else, not even to the tables it reads', async () => {
    expect(await refusal(dashboard.client.insert({ table: 'agg_totals_daily', values: [{ site_id: 'x', day: '2026-01-01' }], format: 'JSONEachRow' }))).not.toBe('allowed')
    expect(await refusal(dashboard.client.insert({ table: 'raw_hits', values: [{ site_id: 'x' }], format: 'JSONEachRow' }))).not.toBe('allowed')
    expect(await refusal(dashboard.client.command({ query: 'TRUNCATE TABLE agg_totals_daily' }))).not.toBe('allowed')
    expect(await refusal(dashboard.client.command({ query: 'CREATE TABLE copy_of_raw ENGINE = Memory AS SELECT * FROM raw_hits' }))).not.toBe('allowed')
  })

  it('runs within fixed limits it cannot raise', async () => {
    expect(await refusal(dashboard.client.query({ query: `SELECT number FROM system.numbers LIMIT ${DASHBOARD_QUERY_LIMITS.max_result_rows + 1}` }).then((r) => r.text()))).not.toBe('allowed')
    const raise = dashboard.client.query({ query: 'SELECT 1', clickhouse_settings: { max_execution_time: DASHBOARD_QUERY_LIMITS.max_execution_time * 10 } })
    expect(await refusal(raise.then((r) => r.text()))).toBe('452')
  })
})

describe.runIf(bundled)('the bundled store', () => {
  it('answers nothing to a client without credentials', async () => {
    const res = await fetch(`${writer.url}/?query=${encodeURIComponent('SELECT count() FROM analytics.raw_hits')}`)
    expect(res.status).not.toBe(200)
    expect(await res.text()).toMatch(/ACCESS_DENIED|Not enough privileges/)
  })

  it('keeps its configuration and passwords private, and no password in clear in its users file', () => {
    const paths = enginePaths(writer.config.dataDir)
    expect(statSync(writer.config.dataDir).mode & 0o777).toBe(0o700)
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700)
    for (const file of [paths.usersXml, paths.configXml, paths.password('qa_writer'), paths.password('qa_dashboard')]) expect(statSync(file).mode & 0o777, file).toBe(0o600)
    const users = readFileSync(paths.usersXml, 'utf8')
    for (const user of ['qa_writer', 'qa_dashboard']) expect(users).not.toContain(readFileSync(paths.password(user), 'utf8').trim())
  })
})
