import { createLogger, type Config } from '@quiet-analytics/core'
import { AGGREGATOR_CONNECTION, Aggregator } from '@quiet-analytics/aggregator'
import { openStore } from '../store-access.ts'
import type { RoleMessage, RunningRole } from './role-process.ts'

/** The aggregator's schedule: salts, rollups, realtime, purges, every rollupIntervalMs. */
export async function startAggregator(config: Config): Promise<RunningRole> {
  const store = await openStore(config, 'writer', AGGREGATOR_CONNECTION)
  const logger = createLogger(config.logLevel)
  const aggregator = new Aggregator(config, store, logger)
  await aggregator.start()
  // An admin's request from the dashboard, forwarded by the supervisor.
  process.on('message', (m: RoleMessage) => {
    if (m.type !== 'audit-request') return
    aggregator.audit().then(
      (r) => logger.info({ by: m.by, passed: r.passed, failed: r.failed }, 'privacy audit run on request'),
      (err: Error) => logger.error({ err: { message: err.message } }, 'privacy audit on request failed'),
    )
  })
  return {
    stop: async () => {
      await aggregator.stop()
      await store.close()
    },
  }
}
