import { createLogger, type Config } from '@qa/core'
import { startDashboard } from '@qa/dashboard'
import { openStore } from '../store-access.ts'
import type { RunningRole } from './role-process.ts'

/** The dashboard, connected as the database user that may only read aggregates and logs. */
export async function startDashboardRole(config: Config): Promise<RunningRole> {
  const store = await openStore(config, 'dashboard')
  const dashboard = await startDashboard(config, store, createLogger(config.logLevel))
  return {
    url: dashboard.url,
    ...(dashboard.firstAdminPassword ? { firstAdminPassword: dashboard.firstAdminPassword } : {}),
    stop: async () => {
      await dashboard.stop()
      await store.close()
    },
  }
}
