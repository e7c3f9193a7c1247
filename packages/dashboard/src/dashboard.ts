import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { resolveSite, systemClock, type Clock, type Config, type Logger } from '@quiet-analytics/core'
import { type Store } from '@quiet-analytics/store'
import { accountStores, type AccountStores } from './auth/account-stores.ts'
import { migrateAuthFile } from './auth/legacy-auth-file.ts'
import { createDashboardApp } from './http/app.ts'
import { FunnelService } from './stats/funnel-service.ts'
import { PrivacyService } from './stats/privacy-service.ts'
import { ResultCache } from './stats/result-cache.ts'
import { StatsService } from './stats/stats-service.ts'

export interface RunningDashboard {
  server: Server
  url: string
  auth: AccountStores
  /** Set when this start created the first admin: shown once. */
  firstAdminPassword?: string
  stop(): Promise<void>
}

/** Where earlier versions kept accounts. */
export function legacyAuthFile(config: Config): string {
  return config.dashboard.authFile ?? join(config.dataDir, 'dashboard-auth.json')
}

/** Accounts on a store connection, with the configured session lifetimes. */
export function accountsFor(config: Config, store: Store, clock: Clock = systemClock): AccountStores {
  return accountStores(store.client, clock.now, { slidingMs: config.dashboard.sessionHours * 3_600_000, absoluteMs: config.dashboard.sessionMaxHours * 3_600_000 })
}

/** Moves an earlier version's account file into the store, once; says so in the log. */
export async function adoptLegacyAccounts(config: Config, auth: AccountStores, logger: Logger): Promise<void> {
  const moved = await migrateAuthFile(auth.accounts, legacyAuthFile(config), config.sites.map((s) => resolveSite(s).id))
  if (moved) logger.info(moved, 'dashboard accounts moved from the JSON file into the store; file removed (old API keys now have the stats:read scope)')
}

/** The dashboard's Express app on a store, with its services wired. */
export function dashboardApp(config: Config, store: Store, auth: AccountStores, logger: Logger, clock: Clock = systemClock, requestAudit?: (by: string) => void): ReturnType<typeof createDashboardApp> {
  return createDashboardApp({
    config,
    stats: new StatsService(store.client, config.aggregation.filterDimensions, config.dashboard.resultCache && !store.cluster ? new ResultCache(store.client) : undefined),
    funnels: new FunnelService(store.client, config.aggregation.filterDimensions),
    privacy: new PrivacyService(store.client),
    auth,
    logger,
    clock,
    ...(requestAudit ? { requestAudit } : {}),
  })
}

/** Serves the dashboard; on first start, creates the admin and returns its one-time password. */
export async function startDashboard(config: Config, store: Store, logger: Logger, clock: Clock = systemClock, requestAudit?: (by: string) => void): Promise<RunningDashboard> {
  const auth = accountsFor(config, store, clock)
  await adoptLegacyAccounts(config, auth, logger)
  const firstAdminPassword = (await auth.accounts.hasUsers()) ? undefined : await auth.accounts.setUser('admin', 'admin')
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
