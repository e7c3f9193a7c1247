import { createLogger, systemClock, type Config } from '@quiet-analytics/core'
import { startDashboard } from '@quiet-analytics/dashboard'
import { openStore } from '../store-access.ts'
import { SUPERVISED_ENV, type RoleMessage, type RunningRole } from './role-process.ts'

/** The dashboard, connected as the database user that may only read aggregates and logs. */
export async function startDashboardRole(config: Config): Promise<RunningRole> {
  const store = await openStore(config, 'dashboard')
  // Supervised, the aggregator is a sibling the parent can reach: admins may ask it for an audit.
  const requestAudit = process.send && process.env[SUPERVISED_ENV] ? (by: string) => void process.send!({ type: 'audit-request', by } satisfies RoleMessage) : undefined
  const dashboard = await startDashboard(config, store, createLogger(config.logLevel), systemClock, requestAudit)
  return {
    url: dashboard.url,
    ...(dashboard.firstAdminPassword ? { firstAdminPassword: dashboard.firstAdminPassword } : {}),
    stop: async () => {
      await dashboard.stop()
      await store.close()
    },
  }
}
