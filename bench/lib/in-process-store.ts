/**
 * The design before the store process, kept in the bench only as a baseline: chdb's
 * engine inside the collector's own process, reached through its in-process connection.
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { LinesInsert, Store } from '@quiet-analytics/store'

export function openInProcessStore(dataDir: string): Store {
  const path = resolve(dataDir)
  mkdirSync(path, { recursive: true })
  const connection = createChdbConnection({ path })
  const client = createClient({ connection, clickhouse_settings: { output_format_json_quote_64bit_integers: 1, date_time_input_format: 'best_effort' } } as Parameters<typeof createClient>[0])
  const insertLines = async ({ table, columns, body, dedupToken }: LinesInsert) => {
    await connection.chdb.rawInsert({ table, columns, values: body, format: 'JSONCompactEachRow', settings: { insert_deduplication_token: dedupToken, date_time_input_format: 'basic' } })
  }
  return { client, kind: 'bundled', role: 'writer', tag: 'qa-writer', url: `chdb:${path}`, database: 'default', dataDir: path, insertLines, close: () => client.close() }
}
