import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { systemClock, type Clock, type Config, type Logger } from '@qa/core'
import { type Store } from '@qa/store'
import { AuthStore } from './auth/auth-store.ts'
import { createDashboardApp } from './http/app.ts'
import { PrivacyService } from './stats/privacy-service.ts'
import { StatsService } from './stats/stats-service.ts'

export interface RunningDashboard {
  server: Server
  url: string
  auth: AuthStore
  /** Set when this start created the first admin: shown once. */
  firstAdminPassword?: string
  stop(): Promise<void>
}

export function authFile(config: Config): string {
  return config.dashboard.authFile ?? join(config.dataDir, 'dashboard-auth.json')
}

/** The dashboard's Express app on a store, with its services wired. */
export function dashboardApp(config: Config, store: Store, auth: AuthStore, logger: Logger, clock: Clock = systemClock, requestAudit?: (by: string) => void): ReturnType<typeof createDashboardApp> {
  return createDashboardApp({
    config,
    stats: new StatsService(store.client, config.aggregation.filterDimensions),
    privacy: new PrivacyService(store.client),
    auth,
    logger,
    clock,
    ...(requestAudit ? { requestAudit } : {}),
  })
}

/** Serves the dashboard; on first start, creates the admin and returns its one-time password. */
export async function startDashboard(config: Config, store: Store, logger: Logger, clock: Clock = systemClock, requestAudit?: (by: string) => void): Promise<RunningDashboard> {
  const auth = new AuthStore(authFile(config))
  const firstAdminPassword = auth.hasUsers ? undefined : await auth.addUser('admin', 'admin')
  const server = createServer(dashboardApp(config, store, auth, logger, clock, requestAudit))
  await new Promise<void>((r) => server.listen(config.dashboard.port, config.dashboard.host, r))
  const url = `http://${config.dashboard.host}:${(server.address() as AddressInfo).port}`
  return {
    server,
    url,
    auth,
    ...(firstAdminPassword ? { firstAdminPassword } : {}),
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
