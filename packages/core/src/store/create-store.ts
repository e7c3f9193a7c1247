import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { Config } from '../config/schema.ts'
import { lowerEngineThreadPriority } from './engine-threads.ts'

export interface Store {
  client: ClickHouseClient
  kind: 'embedded' | 'server'
  /** Database the tables live in ('default' on the embedded engine, whose data directory is the namespace). */
  database: string
  /** Embedded data directory, absolute. */
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

const SETTINGS = {
  // 64-bit visitor hashes must survive JSON exactly.
  output_format_json_quote_64bit_integers: 1,
  date_time_input_format: 'best_effort',
} as const

// Timestamps are epoch milliseconds: no date guessing on the write path.
const insertSettings = (token: string) => ({ insert_deduplication_token: token, date_time_input_format: 'basic' as const })

/**
 * One factory for both deployments: the embedded engine (chdb, in-process, on
 * dataDir) unless clickhouse.url points at a server. The same SQL runs on both.
 */
export async function createStore(config: Pick<Config, 'dataDir' | 'clickhouse'> & { server?: { cluster?: string | undefined } }): Promise<Store> {
  const { url, user, password, database } = config.clickhouse
  const cluster = config.server?.cluster
  if (url) {
    const admin = createClient({ url, username: user, password })
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}${cluster ? ` ON CLUSTER ${cluster}` : ''}` })
    await admin.close()
    const client = createClient({ url, username: user, password, database, clickhouse_settings: SETTINGS })
    const insertLines = async ({ table, columns, body, dedupToken }: LinesInsert) => {
      await client.insert({ table, columns: [...columns] as [string, ...string[]], values: Readable.from([body]), format: 'JSONCompactEachRow', clickhouse_settings: insertSettings(dedupToken) })
    }
    return { client, kind: 'server', database, ...(cluster ? { cluster } : {}), insertLines, close: () => client.close() }
  }
  const dataDir = resolve(config.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const connection = createChdbConnection({ path: dataDir })
  const client = createClient({ connection, clickhouse_settings: SETTINGS } as Parameters<typeof createClient>[0])
  // The engine parses the bytes itself: no per-row objects or stream on the way in.
  const insertLines = async ({ table, columns, body, dedupToken }: LinesInsert) => {
    await connection.chdb.rawInsert({ table, columns, values: body, format: 'JSONCompactEachRow', settings: insertSettings(dedupToken) })
  }
  // The engine starts threads as it needs them: keep lowering the new ones.
  lowerEngineThreadPriority()
  const renice = setInterval(lowerEngineThreadPriority, 5_000)
  renice.unref()
  const close = () => {
    clearInterval(renice)
    return client.close()
  }
  return { client, kind: 'embedded', database: 'default', dataDir, insertLines, close }
}
