import type { Store } from '@quiet-analytics/store'
import { DAILY_AGGREGATE_TABLES, MONTHLY_AGGREGATE_TABLES } from '@quiet-analytics/core'
import { rows } from './temp-store.ts'

/** Every aggregate row of every table, in a stable order: equal snapshots, equal numbers. */
export async function aggregateSnapshot(store: Store): Promise<string> {
  const parts: string[] = []
  for (const t of [...DAILY_AGGREGATE_TABLES, ...MONTHLY_AGGREGATE_TABLES]) parts.push(t, JSON.stringify(await rows(store, `SELECT * FROM ${t} ORDER BY ALL`)))
  return parts.join('\n')
}
