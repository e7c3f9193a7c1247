import type express from 'express'
import { z } from 'zod'
import { FunnelSchema, zodReason, type Site } from '@quiet-analytics/core'
import type { FunnelService } from '../stats/funnel-service.ts'
import { principalOf, requireAdmin, requireCsrf } from './access.ts'

const DefineBody = z.object({ site: z.string().max(100), funnel: FunnelSchema })

/** Funnels defined in the dashboard: admins add, change and remove them; the next rollup computes them. */
export function mountFunnelAdminRoutes(app: express.Express, funnels: FunnelService, sites: readonly Site[]): void {
  const by = (req: express.Request) => (principalOf(req) as { username: string }).username
  // An admin key manages the funnels of its own sites only; others are as unknown.
  const siteOf = (req: express.Request, id: string) => {
    const p = principalOf(req)
    return sites.find((s) => s.id === id && (p?.kind !== 'api-key' || p.sites.includes(id)))
  }
  app.post('/api/funnels', requireAdmin, requireCsrf, async (req, res) => {
    const body = DefineBody.safeParse(req.body)
    if (!body.success) return void res.status(400).json({ error: zodReason(body.error) })
    const site = siteOf(req, body.data.site)
    if (!site) return void res.status(404).json({ error: 'unknown site' })
    if ((await funnels.define(site, body.data.funnel, by(req))) === 'configured') {
      return void res.status(409).json({ error: `funnel ${body.data.funnel.name} is configured in the file: change it there` })
    }
    res.status(201).json({ ...body.data.funnel, site: site.id, note: 'computed at the next rollup for every day whose raw rows still exist' })
  })
  app.delete('/api/funnels/:site/:name', requireAdmin, requireCsrf, async (req, res) => {
    const site = siteOf(req, String(req.params.site))
    if (!site) return void res.status(404).json({ error: 'unknown site' })
    const outcome = await funnels.remove(site, String(req.params.name), by(req))
    if (outcome === 'configured') return void res.status(409).json({ error: 'this funnel is configured in the file: remove it there' })
    if (outcome === 'unknown') return void res.status(404).json({ error: 'no such funnel' })
    res.json({ removed: true })
  })
}
