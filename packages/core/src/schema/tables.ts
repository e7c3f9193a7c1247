/**
 * Every table the product keeps, by role: the one list the rollup, the dashboard's
 * grants, the audit and the snapshot tests read.
 */
export const RAW_TABLE = 'raw_hits'

/** Per-day aggregates the rollup writes (through `<name>_staging` and a partition swap). */
export const DAILY_AGGREGATE_TABLES = ['agg_totals_hourly', 'agg_totals_daily', 'agg_breakdown_daily', 'agg_events_daily', 'agg_funnels_daily'] as const

/** Per-month sums of the daily aggregates, for long ranges. */
export const MONTHLY_AGGREGATE_TABLES = ['agg_totals_monthly', 'agg_breakdown_monthly', 'agg_events_monthly'] as const

/** Lifecycle logs: counts and timestamps only, readable by the dashboard's privacy page. */
export const LOG_TABLES = ['ingest_drops', 'rollup_log', 'purge_log', 'salt_log', 'audit_log'] as const

/** Tables the dashboard's database user may SELECT: anonymous aggregates and the logs, nothing else. */
export const DASHBOARD_TABLES = [...DAILY_AGGREGATE_TABLES, ...MONTHLY_AGGREGATE_TABLES, 'agg_realtime', ...LOG_TABLES] as const

export type DashboardTable = (typeof DASHBOARD_TABLES)[number]

/** Dashboard accounts, sessions, API keys and share links: the dashboard's user may SELECT and INSERT them (and OPTIMIZE, to merge superseded password hashes away). */
export const ACCOUNT_TABLES = ['auth_users', 'auth_sessions', 'auth_api_keys', 'auth_share_links'] as const

/** Funnels defined in the dashboard (as JSON definitions): the dashboard writes them, the aggregator computes them. */
export const FUNNEL_DEFS_TABLE = 'funnel_defs'

/** Every grant the dashboard's database user holds, as `ACCESS db.table`: what the store's users, the server DDL and the audit read. */
export function dashboardGrants(database: string): string[] {
  return [
    ...DASHBOARD_TABLES.map((t) => `SELECT ${database}.${t}`),
    ...ACCOUNT_TABLES.flatMap((t) => ['SELECT', 'INSERT', 'OPTIMIZE'].map((a) => `${a} ${database}.${t}`)),
    ...['SELECT', 'INSERT'].map((a) => `${a} ${database}.${FUNNEL_DEFS_TABLE}`),
    // The aggregates' parts (names and counts, of the tables it may read): the version its answer cache is keyed by.
    'SELECT system.parts',
  ]
}

/** Why an event is counted in ingest_drops instead of stored: the collector's refusals, and late rows found at purge. */
export const INGEST_DROP_REASONS = ['bot', 'consent', 'rate_limited', 'undeclared_event', 'invalid', 'late'] as const
export type IngestDropReason = (typeof INGEST_DROP_REASONS)[number]
