import { createLogger, type Config } from '@qa/core'
import { AGGREGATOR_TAG, Aggregator } from '@qa/aggregator'
import { openStore } from '../store-access.ts'
import type { RunningRole } from './role-process.ts'

/** The aggregator's schedule: salts, rollups, realtime, purges, every rollupIntervalMs. */
export async function startAggregator(config: Config): Promise<RunningRole> {
  const store = await openStore(config, 'writer', { tag: AGGREGATOR_TAG })
  const aggregator = new Aggregator(config, store, createLogger(config.logLevel))
  await aggregator.start()
  return {
    stop: async () => {
      await aggregator.stop()
      await store.close()
    },
  }
}
