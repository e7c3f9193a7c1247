import type { ClickHouseClient } from '@clickhouse/client'
import { FUNNEL_DEFS_TABLE, FunnelSchema, type Funnel, type Site } from '@quiet-analytics/core'

/** A funnel defined in the dashboard, with who defined it. */
export interface DefinedFunnel {
  siteId: string
  funnel: Funnel
  createdBy: string
}

/**
 * Funnels defined in the dashboard, kept in the store: the dashboard writes a row per
 * change (or removal), the aggregator reads the latest row of each at every tick. A
 * row that does not parse (written by a newer version, say) is left out, not fatal.
 */
export async function readFunnelDefs(client: ClickHouseClient): Promise<DefinedFunnel[]> {
  const rows = await (await client.query({ query: `SELECT site_id, name, spec, removed, created_by FROM ${FUNNEL_DEFS_TABLE} FINAL ORDER BY site_id, name`, format: 'JSONEachRow' })).json<{
    site_id: string
    name: string
    spec: string
    removed: number
    created_by: string
  }>()
  return rows.flatMap((r) => {
    if (r.removed) return []
    try {
      const parsed = FunnelSchema.safeParse({ ...(JSON.parse(r.spec) as object), name: r.name })
      return parsed.success ? [{ siteId: r.site_id, funnel: parsed.data, createdBy: r.created_by }] : []
    } catch {
      return []
    }
  })
}

export async function writeFunnelDef(client: ClickHouseClient, siteId: string, funnel: Funnel, createdBy: string): Promise<void> {
  const spec = JSON.stringify({ order: funnel.order, steps: funnel.steps })
  await client.insert({ table: FUNNEL_DEFS_TABLE, values: [{ site_id: siteId, name: funnel.name, spec, removed: 0, created_by: createdBy }], format: 'JSONEachRow' })
}

export async function removeFunnelDef(client: ClickHouseClient, siteId: string, name: string, by: string): Promise<void> {
  await client.insert({ table: FUNNEL_DEFS_TABLE, values: [{ site_id: siteId, name, spec: '', removed: 1, created_by: by }], format: 'JSONEachRow' })
}

/** The sites with the dashboard's funnels added to the configured ones; a configured funnel wins over a defined one of the same name. */
export function withDefinedFunnels(sites: readonly Site[], defined: readonly DefinedFunnel[]): Site[] {
  return sites.map((site) => {
    const names = new Set(site.funnels.map((f) => f.name))
    const extra = defined.filter((d) => d.siteId === site.id && !names.has(d.funnel.name)).map((d) => d.funnel)
    return extra.length === 0 ? site : { ...site, funnels: [...site.funnels, ...extra] }
  })
}
