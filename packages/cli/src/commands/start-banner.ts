import { minGroupSize, resolveSite, type Config } from '@quiet-analytics/core'
import { firstLoginLine } from '../roles/role-process.ts'

export interface RunningParts {
  /** The bundled store's address; undefined on a ClickHouse server. */
  store: string | undefined
  collector: string
  dashboard: string
  /** The demo page's address; undefined when sites are configured. */
  demo: string | undefined
  firstAdminPassword: string | undefined
}

/** What `pnpm start` prints once everything runs: where each part is and which sites it serves. */
export function startBanner(cfg: Config, parts: RunningParts): string {
  const sites = cfg.sites.map(resolveSite)
  const siteLines = sites.map(
    (s, i) => `  ${i === 0 ? 'sites' : ''}`.padEnd(19) + `${s.id}: ${s.domains.join(', ')} (${s.timezone}, minimum group size ${minGroupSize(s, cfg.aggregation)})`,
  )
  return [
    '',
    `Quiet Analytics is running on ${cfg.clickhouse.url ? `the server ${cfg.clickhouse.url}` : 'the bundled store'}`,
    `  data directory   ${cfg.dataDir}`,
    ...(parts.store === undefined ? [] : [`  store            ${parts.store} (ClickHouse HTTP, 127.0.0.1 only)`]),
    `  collector        ${parts.collector}/api/event (${cfg.collector.processes} process${cfg.collector.processes === 1 ? '' : 'es'})`,
    `  tracker script   ${parts.collector}/script.js`,
    parts.demo ? `  demo page        ${parts.demo}` : '  demo page        off: sites are configured, so the demo site is not added',
    ...siteLines,
    `  aggregator       rollups every ${cfg.aggregation.rollupIntervalMs / 1000} s, raw TTL ${cfg.retention.rawTtlHours} h`,
    `  dashboard        ${parts.dashboard}/`,
    ...(parts.firstAdminPassword ? [firstLoginLine(parts.firstAdminPassword)] : []),
    '',
    'Press Ctrl-C to stop (buffered events are flushed first).',
    '',
  ].join('\n')
}
