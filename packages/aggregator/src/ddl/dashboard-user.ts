import { randomBytes } from 'node:crypto'
import { DASHBOARD_TABLES } from '../audit/audit-types.ts'

/**
 * Server-mode setup for the dashboard's ClickHouse user: SELECT on the aggregate and
 * log tables, nothing else. The password is generated unless given, and is the one
 * value that must be quoted into DDL (CREATE USER takes no query parameters).
 */
export function dashboardUserDdl(opts: { user: string; database: string; cluster?: string; password?: string }): { statements: string[]; password: string } {
  const password = opts.password ?? randomBytes(24).toString('base64url')
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(password)) throw new Error('dashboard password: 16-128 letters, digits, "_" or "-"')
  const on = opts.cluster ? ` ON CLUSTER ${opts.cluster}` : ''
  return {
    password,
    statements: [
      `CREATE USER IF NOT EXISTS ${opts.user}${on} IDENTIFIED WITH sha256_password BY '${password}' DEFAULT DATABASE ${opts.database}`,
      `REVOKE${on} ALL ON *.* FROM ${opts.user}`,
      ...DASHBOARD_TABLES.map((t) => `GRANT${on} SELECT ON ${opts.database}.${t} TO ${opts.user}`),
    ],
  }
}
