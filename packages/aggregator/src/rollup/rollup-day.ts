import { DAILY_AGGREGATE_TABLES, endOfSiteDay, minGroupSize, startOfSiteDay, type Site, type VisitDimension } from '@quiet-analytics/core'
import type { ClickHouseClient } from '@quiet-analytics/store'
import { BUILD_WORK_SQL } from './work-table.ts'
import { breakdownSql, EVENTS_SQL, GOALS_SQL, pagePatternToRegex, TOTALS_DAILY_SQL, TOTALS_HOURLY_SQL } from './aggregate-sql.ts'
import { funnelsParams, funnelsSql } from './funnel-sql.ts'
import { replacePartition, StagedRows } from './replace-partition.ts'
import { settled } from './concurrency.ts'

export interface RollupSettings {
  minGroupSize: number
  filterDimensions: VisitDimension[]
  bounceEngagementMs: number
  /** Gap that ends a visit. */
  visitGapMs?: number
}

export interface SiteRollup {
  site: Site
  rawRows: number
  /** Rows inserted up to this instant (epoch ms) are read; later ones are the next rollup's. */
  readUntil: number
  close: boolean
}

const VISIT_GAP_MS = 30 * 60_000

/**
 * Recomputes one site-local day for the given sites and swaps it in atomically: every
 * aggregate of the day is built in the *_staging twins (recomputed sites from raw
 * rows, every other site copied from the live tables), then each live partition is
 * replaced in one step. Running it again gives the same rows; a crash leaves the
 * live tables as they were or as the rerun will make them.
 */
export async function rollupDay(client: ClickHouseClient, day: string, sites: SiteRollup[], settings: RollupSettings): Promise<void> {
  const command = (query: string, params: Record<string, unknown> = {}) => client.command({ query, query_params: params })
  await settled(DAILY_AGGREGATE_TABLES.map((t) => command(`ALTER TABLE ${t}_staging DROP PARTITION {day:Date}`, { day })))
  const staged = new StagedRows(client)

  for (const { site, readUntil } of sites) {
    const params = { ...siteParams(site, day, settings), read_until: readUntil }
    await command('ALTER TABLE rollup_work DROP PARTITION ({site:String}, {day:Date})', params)
    try {
      await command(BUILD_WORK_SQL, params)
      // The aggregates read the work table, so the small ones run beside the breakdown; funnels
      // follow it, since they also read its staged rows to keep the filter values it kept.
      const foldedAggregates = async () => {
        await staged.insert('agg_breakdown_daily', breakdownSql(settings.filterDimensions), params)
        if (site.funnels.length > 0) await staged.insert('agg_funnels_daily', funnelsSql(site.funnels, settings.filterDimensions), { ...params, ...funnelsParams(site.funnels) })
      }
      await settled([
        foldedAggregates(),
        staged.insert('agg_totals_daily', TOTALS_DAILY_SQL, params),
        staged.insert('agg_totals_hourly', TOTALS_HOURLY_SQL, params),
        staged.insert('agg_events_daily', EVENTS_SQL, params),
        site.goals.length > 0 ? staged.insert('agg_events_daily', GOALS_SQL, params) : undefined,
      ])
    } finally {
      await command('ALTER TABLE rollup_work DROP PARTITION ({site:String}, {day:Date})', params)
    }
  }

  const recomputed = sites.map((s) => s.site.id)
  await settled(
    DAILY_AGGREGATE_TABLES.map(async (t) => {
      await staged.insert(t, `INSERT INTO ${t}_staging SELECT * FROM ${t} WHERE day = {day:Date} AND site_id NOT IN {sites:Array(String)}`, { day, sites: recomputed })
      await replacePartition(client, t, 'day', day, staged.of(t))
    }),
  )
}

function siteParams(site: Site, day: string, settings: RollupSettings): Record<string, unknown> {
  const goals = site.goals
  return {
    site: site.id,
    day,
    tz: site.timezone,
    from: startOfSiteDay(day, site.timezone),
    to: endOfSiteDay(day, site.timezone),
    gap_ms: settings.visitGapMs ?? VISIT_GAP_MS,
    bounce_ms: settings.bounceEngagementMs,
    k: minGroupSize(site, settings),
    goal_names: goals.map((g) => g.name),
    goal_events: goals.map((g) => g.event ?? ''),
    goal_pages: goals.map((g) => (g.page ? pagePatternToRegex(g.page) : '')),
  }
}
