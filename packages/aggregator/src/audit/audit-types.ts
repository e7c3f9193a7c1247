import type { Config, Site } from '@quiet-analytics/core'
import type { ClickHouseClient, Store } from '@quiet-analytics/store'

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

export async function query<T>(client: ClickHouseClient, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>()
}
