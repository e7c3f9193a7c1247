import type { Request, Response } from 'express'
import { createLogger, loadConfig, type Config } from '@quiet-analytics/core'
import { connectStore, type Store } from '@quiet-analytics/store'
import { createCollector, pixelUrl, serverTracker, type Collector, type Recorded } from '@quiet-analytics/collector'
import { StatsService } from '@quiet-analytics/dashboard'

const config: Config = loadConfig()
const domain: string = config.sites[0]?.domains[0] ?? 'example.com'
const store: Store = await connectStore(config)
const collector: Collector = createCollector({ config, store, logger: createLogger('info') })
const track = serverTracker(collector)

/** Server-side tracking from a request handler: the visitor's address is truncated and hashed, never stored. */
export async function signup(req: Request, res: Response): Promise<void> {
  const result: Recorded = await track({
    name: 'Signup',
    url: `https://${domain}/signup`,
    domain,
    ip: req.ip ?? '',
    userAgent: req.get('user-agent') ?? '',
    props: { plan: 'pro' },
  })
  res.status(result.status === 'accepted' ? 204 : 202).end()
}

export const pixel: string = pixelUrl({ collector: 'https://stats.example.com', domain: 'example.com', url: 'https://example.com/' })
export const stats: StatsService = new StatsService(store.client, config.aggregation.filterDimensions)
