import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ClickHouseClient } from '@clickhouse/client'
import { systemClock } from '@quiet-analytics/core'
import { clusterDdl } from './cluster-ddl.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url))

export interface Migration {
  version: number
  name: string
  checksum: string
  statements: string[]
}

export class MigrationError extends Error {
  override name = 'MigrationError'
}

/** Splits a .sql file into statements on semicolons that end a line; drops comments. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) =>
      s
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter(Boolean)
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(new URL(file, `file://${dir}`), 'utf8')
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16),
        statements: splitStatements(sql),
      }
    })
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    UInt32,
    name       String,
    checksum   String,
    state      Enum8('started' = 1, 'done' = 2),
    at         DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (version, at)`

interface LedgerRow {
  version: number
  name: string
  checksum: string
  state: 'started' | 'done'
}

export interface MigrateResult {
  applied: string[]
  pending: string[]
}

/**
 * Applies numbered migrations in order, recording each in schema_migrations.
 * Refuses to run when a migration was started and never finished (dirty state), or
 * when an applied file has changed since. With dryRun, only reports what is pending.
 */
export async function migrate(
  client: ClickHouseClient,
  opts: { dryRun?: boolean; now?: () => number; migrations?: Migration[]; cluster?: string; perNode?: boolean } = {},
): Promise<MigrateResult> {
  const now = opts.now ?? systemClock.now
  const migrations = opts.migrations ?? readMigrations()
  const ddl = (statements: string[]) => (opts.cluster ? clusterDdl(statements, opts.cluster, { perNode: opts.perNode ?? false }) : statements)
  for (const statement of ddl([LEDGER])) await client.command({ query: statement })
  const rows = await (
    await client.query({
      query: `SELECT version, argMax(name, at) AS name, argMax(checksum, at) AS checksum, argMax(state, (at, state)) AS state
              FROM schema_migrations GROUP BY version ORDER BY version`,
      format: 'JSONEachRow',
    })
  ).json<LedgerRow>()
  const byVersion = new Map(rows.map((r) => [Number(r.version), r]))
  const dirty = rows.find((r) => r.state === 'started')
  if (dirty) throw new MigrationError(`migration ${dirty.name} was started and never finished: inspect the schema, then delete its 'started' row from schema_migrations`)
  for (const m of migrations) {
    const seen = byVersion.get(m.version)
    if (seen && seen.checksum !== m.checksum) throw new MigrationError(`migration ${m.name} changed after it was applied (checksum ${seen.checksum} -> ${m.checksum})`)
  }
  const pending = migrations.filter((m) => !byVersion.has(m.version))
  if (opts.dryRun) return { applied: [], pending: pending.map((m) => m.name) }
  const record = (m: Migration, state: LedgerRow['state']) =>
    client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name, checksum: m.checksum, state, at: now() }],
      format: 'JSONEachRow',
    })
  for (const m of pending) {
    await record(m, 'started')
    for (const statement of ddl(m.statements)) await client.command({ query: statement })
    await record(m, 'done')
  }
  return { applied: pending.map((m) => m.name), pending: [] }
}
