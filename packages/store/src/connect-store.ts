import { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client'
import type { Config } from '@quiet-analytics/core'
import { readStorePassword, runningStore } from './engine/engine-files.ts'
import { StoreError, WRITER_USER } from './store-error.ts'

/**
 * Who connects. The writer owns the store (collector, aggregator, `qa` commands); the
 * dashboard's user may only SELECT aggregates and logs, within fixed query limits.
 */
export type StoreRole = 'writer' | 'dashboard'

export interface Store {
  client: ClickHouseClient
  /** The bundled engine's process on DATA_DIR, or a ClickHouse server at CLICKHOUSE_URL. */
  kind: 'bundled' | 'server'
  role: StoreRole
  /** Set as every query's log_comment: who ran it, in system.processes and the query log. */
  tag: string
  url: string
  database: string
  /** The bundled store's data directory, absolute. */
  dataDir?: string
  /** Cluster name in server mode: partition and TTL changes of sharded tables go ON CLUSTER. */
  cluster?: string
  /** The hot write path: rows already serialised, handed to the engine as bytes. */
  insertLines(insert: LinesInsert): Promise<void>
  close(): Promise<void>
}

/** Rows as JSONCompactEachRow lines, values in `columns` order; `dedupToken` makes a retried insert count once. */
export interface LinesInsert {
  table: string
  columns: readonly string[]
  body: Buffer
  dedupToken: string
}

export type StoreConfig = Pick<Config, 'dataDir' | 'clickhouse' | 'server' | 'dashboard'>

const SETTINGS = {
  // 64-bit visitor hashes must survive JSON exactly.
  output_format_json_quote_64bit_integers: 1,
  date_time_input_format: 'best_effort',
} as const

// Timestamps are epoch milliseconds: no date guessing on the write path.
const insertSettings = (token: string) => ({ insert_deduplication_token: token, date_time_input_format: 'basic' as const })

// Errors reach the caller as exceptions and are logged there, scrubbed; the client's own log is off.
const QUIET = { log: { level: ClickHouseLogLevel.OFF } }

interface Target {
  kind: Store['kind']
  url: string
  username: string
  password: string
  dataDir?: string
}

function target(config: StoreConfig, role: StoreRole): Target {
  const dashboardUser = config.server.dashboardUser
  if (config.clickhouse.url) {
    if (role === 'writer') return { kind: 'server', url: config.clickhouse.url, username: config.clickhouse.user, password: config.clickhouse.password }
    if (config.dashboard.dbPassword === undefined) {
      throw new StoreError(`the dashboard connects as ${dashboardUser}, which may only read aggregates: create it with \`qa ddl dashboard-user --apply\` and set DASHBOARD_DB_PASSWORD`)
    }
    return { kind: 'server', url: config.clickhouse.url, username: dashboardUser, password: config.dashboard.dbPassword }
  }
  const endpoint = runningStore(config.dataDir)
  if (!endpoint) {
    throw new StoreError(`no store is running on ${config.dataDir}: start one with \`qa store\` (or \`pnpm start\`), or set CLICKHOUSE_URL`)
  }
  const username = role === 'writer' ? WRITER_USER : dashboardUser
  return { kind: 'bundled', url: `http://127.0.0.1:${endpoint.httpPort}`, username, password: readStorePassword(config.dataDir, username), dataDir: config.dataDir }
}

/**
 * The one way to reach the store, in every deployment: ClickHouse's HTTP interface,
 * either of the bundled store process found from DATA_DIR or of the server at
 * CLICKHOUSE_URL. The same client, the same SQL, the same inserts.
 */
export async function connectStore(config: StoreConfig, role: StoreRole = 'writer', opts: { tag?: string; requestTimeoutMs?: number } = {}): Promise<Store> {
  const t = target(config, role)
  const tag = opts.tag ?? `qa-${role}`
  const { database } = config.clickhouse
  const cluster = t.kind === 'server' ? config.server.cluster : undefined
  if (role === 'writer') {
    const admin = createClient({ url: t.url, username: t.username, password: t.password, ...QUIET })
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}${cluster ? ` ON CLUSTER ${cluster}` : ''}` })
    } catch (err) {
      throw new StoreError(`cannot reach the store at ${t.url} as ${t.username}: ${(err as Error).message.split('\n')[0]}`)
    } finally {
      await admin.close()
    }
  }
  const client = createClient({ url: t.url, username: t.username, password: t.password, database, clickhouse_settings: { ...SETTINGS, log_comment: tag }, request_timeout: opts.requestTimeoutMs ?? 60_000, ...QUIET })
  // The lines go as the request body, as they are: the engine parses them itself.
  const insertLines = async ({ table, columns, body, dedupToken }: LinesInsert) => {
    const result = await client.exec({ query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow`, values: Readable.from([body]), clickhouse_settings: insertSettings(dedupToken) })
    result.stream.resume()
    await finished(result.stream)
  }
  return {
    client,
    kind: t.kind,
    role,
    tag,
    url: t.url,
    database,
    ...(t.dataDir ? { dataDir: t.dataDir } : {}),
    ...(cluster ? { cluster } : {}),
    insertLines,
    close: () => client.close(),
  }
}
