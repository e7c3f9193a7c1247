import { randomBytes } from 'node:crypto'
import { dashboardGrants } from '@quiet-analytics/core'
import { DASHBOARD_QUERY_LIMITS } from '@quiet-analytics/store'

/**
 * Server-mode setup for the dashboard's ClickHouse user: SELECT on the aggregate and
 * log tables, its account tables, nothing else, and the same fixed query limits as the
 * bundled store's dashboard user. The password is generated unless given, and is the one value that
 * must be quoted into DDL (CREATE USER takes no query parameters).
 */
export function dashboardUserDdl(opts: { user: string; database: string; cluster?: string; password?: string }): { statements: string[]; password: string } {
  const password = opts.password ?? randomBytes(24).toString('base64url')
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(password)) throw new Error('dashboard password: 16-128 letters, digits, "_" or "-"')
  const on = opts.cluster ? ` ON CLUSTER ${opts.cluster}` : ''
  const limits = Object.entries(DASHBOARD_QUERY_LIMITS).map(([k, v]) => `${k} = ${v} MAX ${v}`)
  return {
    password,
    statements: [
      `CREATE USER IF NOT EXISTS ${opts.user}${on} IDENTIFIED WITH sha256_password BY '${password}' DEFAULT DATABASE ${opts.database}`,
      `REVOKE${on} ALL ON *.* FROM ${opts.user}`,
      ...dashboardGrants(opts.database).map((g) => `GRANT${on} ${g.replace(' ', ' ON ')} TO ${opts.user}`),
      `CREATE SETTINGS PROFILE OR REPLACE ${opts.user}_limits${on} SETTINGS result_overflow_mode = 'throw', ${limits.join(', ')} TO ${opts.user}`,
    ],
  }
}
