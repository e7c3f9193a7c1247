import type { ClickHouseClient, Config, Site, Store } from '@qa/core'

export type CheckStatus = 'pass' | 'fail' | 'skip'

export interface CheckResult {
  id: string
  title: string
  status: CheckStatus
  detail: string
}

export interface AuditContext {
  client: ClickHouseClient
  store: Store
  config: Config
  sites: Site[]
  now: number
  /** Known addresses a privacy officer sent test traffic from: searched in every text and numeric form. */
  probeIps: string[]
}

export interface Check {
  id: string
  title: string
  run(ctx: AuditContext): Promise<Omit<CheckResult, 'id' | 'title'>>
}

/** Tables the dashboard may read: anonymous aggregates and the lifecycle logs. */
export const DASHBOARD_TABLES = [
  'agg_totals_hourly',
  'agg_totals_daily',
  'agg_breakdown_daily',
  'agg_events_daily',
  'agg_totals_monthly',
  'agg_breakdown_monthly',
  'agg_events_monthly',
  'agg_realtime',
  'ingest_drops',
  'rollup_log',
  'purge_log',
  'salt_log',
  'audit_log',
] as const

export async function query<T>(client: ClickHouseClient, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>()
}
