import { DAILY_AGGREGATE_TABLES, MONTHLY_AGGREGATE_TABLES } from '@quiet-analytics/core'
import type { ClickHouseClient } from '@quiet-analytics/store'

/**
 * The tables a cached answer may be read from: the aggregates, which change only when the
 * aggregator writes them. Not agg_realtime: it is rewritten at every tick and read for the
 * last five minutes of the clock, so its answers would never be asked for twice.
 */
export const CACHED_TABLES: readonly string[] = [...DAILY_AGGREGATE_TABLES, ...MONTHLY_AGGREGATE_TABLES]

/**
 * The aggregates' version: the set of their active parts. Parts never change; every
 * insert, partition swap, mutation or merge replaces some by new ones with new names, so
 * an equal set means the very rows an answer was computed from.
 */
const VERSION_SQL = `SELECT toString(groupBitXor(cityHash64(table, name))) AS v, toString(count()) AS n
  FROM system.parts WHERE database = currentDatabase() AND active AND table IN {tables:Array(String)}`

const NO_VERSION = ''

const TABLE_NAMES = /\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)/gi

/** Whether every table the query reads is a versioned one (the lifecycle logs and ingest_drops are not). */
export function readsOnlyCachedTables(query: string): boolean {
  const tables = [...query.matchAll(TABLE_NAMES)].map((m) => m[1]!)
  return tables.length > 0 && tables.every((t) => CACHED_TABLES.includes(t))
}

export interface ResultCacheStats {
  hits: number
  misses: number
}

/**
 * Answers of the stats queries, served again while the aggregates have not changed. Every
 * request reads the version (requests arriving together share one read), so an answer
 * is never older than the aggregates at the time of its request; when the version moves,
 * every answer is dropped. Answers are keyed by the SQL and its parameters, which hold
 * the site, the resolved days and the filter: no answer crosses sites, and since rows
 * under k are folded when the aggregates are written, a re-rollup that folds a row also
 * changes the version. Not for cluster mode, where the parts live on other nodes (and
 * tables without parts here are never cached).
 */
export class ResultCache {
  private version: string | undefined
  private pending: Promise<string> | undefined
  private readonly answers = new Map<string, readonly unknown[]>()
  private keptRows = 0
  readonly stats: ResultCacheStats = { hits: 0, misses: 0 }

  constructor(
    private readonly client: ClickHouseClient,
    /** Rows kept in all (the largest answers are CSV exports of a thousand rows)... */
    private readonly maxRows = 200_000,
    /** ...and answers. */
    private readonly maxAnswers = 5_000,
  ) {}

  private currentVersion(): Promise<string> {
    this.pending ??= this.client
      .query({ query: VERSION_SQL, query_params: { tables: CACHED_TABLES }, format: 'JSONEachRow' })
      .then((r) => r.json<{ v: string; n: string }>())
      // No part at all: nothing to key by (an empty store, or tables whose parts are elsewhere): never cached.
      .then(([row]) => (Number(row?.n ?? 0) > 0 ? `${row!.v}/${row!.n}` : NO_VERSION))
      .finally(() => (this.pending = undefined))
    return this.pending
  }

  async rows<T>(query: string, params: Record<string, unknown>, compute: () => Promise<T[]>): Promise<T[]> {
    if (!readsOnlyCachedTables(query)) return compute()
    const version = await this.currentVersion()
    if (version === NO_VERSION) return compute()
    if (version !== this.version) {
      this.answers.clear()
      this.keptRows = 0
      this.version = version
    }
    const key = `${query}\u0000${JSON.stringify(params)}`
    const cached = this.answers.get(key)
    if (cached) {
      this.stats.hits++
      this.answers.delete(key)
      this.answers.set(key, cached)
      return [...cached] as T[]
    }
    this.stats.misses++
    const answer = await compute()
    // Computed after the version was read: at least as new as its key says.
    if (this.version === version && answer.length <= this.maxRows) this.keep(key, answer)
    return answer
  }

  private keep(key: string, answer: readonly unknown[]): void {
    this.answers.set(key, Object.freeze([...answer]))
    this.keptRows += answer.length
    for (const [oldest, rows] of this.answers) {
      if (this.keptRows <= this.maxRows && this.answers.size <= this.maxAnswers) break
      this.answers.delete(oldest)
      this.keptRows -= rows.length
    }
  }
}
