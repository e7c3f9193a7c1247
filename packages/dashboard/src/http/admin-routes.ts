import type express from 'express'
import type { Request, Response } from 'express'
import { z } from 'zod'
import { zodReason, type Site } from '@quiet-analytics/core'
import type { AccountStores } from '../auth/account-stores.ts'
import { KeyScopeSchema, RoleSchema, UsernameSchema } from '../auth/accounts.ts'
import { principalOf, requireAdmin, requireCsrf, type Principal } from './access.ts'

const ShareLinkBody = z.object({ site: z.string().max(64) })
const KeyBody = z.object({ scope: KeyScopeSchema.default('stats:read'), sites: z.array(z.string().max(64)).min(1).max(100).optional() }).strict()
const UserBody = z.object({ username: UsernameSchema, role: RoleSchema })
const RoleBody = z.object({ role: RoleSchema })

/** The sites a principal may hand on: a key never passes on more than it has. */
const ownSites = (p: Principal, sites: readonly Site[]) => sites.map((s) => s.id).filter((id) => p.kind !== 'api-key' || p.sites.includes(id))

const bad = (res: Response, error: string) => void res.status(400).json({ error })

/** Share links, API keys and users: admins only, with the CSRF token when sent from a session. */
export function mountAdminRoutes(app: express.Express, { accounts, keys, links }: AccountStores, sites: readonly Site[]): void {
  const admin = [requireAdmin]
  const change = [requireAdmin, requireCsrf]
  const who = (req: Request) => principalOf(req) as Exclude<Principal, { kind: 'share' }>

  app.get('/api/share-links', ...admin, async (_req, res) => void res.json(await links.list()))
  app.post('/api/share-links', ...change, async (req, res) => {
    const body = ShareLinkBody.safeParse(req.body)
    if (!body.success || !ownSites(who(req), sites).includes(body.data.site)) return bad(res, 'site: a configured site id (one this key may read)')
    const link = await links.create(body.data.site, who(req).username)
    res.status(201).json({ id: link.id, token: link.token, path: `/share/${link.token}` })
  })
  app.delete('/api/share-links/:id', ...change, async (req, res) => {
    if (!(await links.revoke(String(req.params.id)))) return void res.status(404).json({ error: 'no such share link' })
    res.json({ revoked: true })
  })

  app.get('/api/keys', ...admin, async (_req, res) => void res.json(await keys.list()))
  app.post('/api/keys', ...change, async (req, res) => {
    const p = who(req)
    const body = KeyBody.safeParse(req.body ?? {})
    if (!body.success) return bad(res, zodReason(body.error))
    const allowed = ownSites(p, sites)
    const chosen = body.data.sites ?? allowed
    const outside = chosen.filter((s) => !allowed.includes(s))
    if (outside.length > 0) return bad(res, `sites: ${outside.join(', ')} ${p.kind === 'api-key' ? 'is not readable with this key' : 'is not a configured site'}`)
    const made = await keys.create({ username: p.username, scope: body.data.scope, sites: [...new Set(chosen)], ...(p.kind === 'api-key' ? { parentId: p.keyId } : {}) })
    res.status(201).json({ ...made, scope: body.data.scope, sites: [...new Set(chosen)] })
  })
  app.delete('/api/keys/:id', ...change, async (req, res) => {
    if (!(await keys.revoke(String(req.params.id)))) return void res.status(404).json({ error: 'no such key' })
    res.json({ revoked: true })
  })

  app.get('/api/users', ...admin, async (_req, res) => void res.json(await accounts.users()))
  app.post('/api/users', ...change, async (req, res) => {
    const body = UserBody.safeParse(req.body)
    if (!body.success) return bad(res, zodReason(body.error))
    if (body.data.role !== 'admin' && (await accounts.isLastAdmin(body.data.username))) return void res.status(409).json({ error: 'the last admin keeps the admin role' })
    // A reset ends the user's sessions: they were opened with the old password and role.
    const password = await accounts.setUser(body.data.username, body.data.role)
    res.status(201).json({ username: body.data.username, role: body.data.role, password })
  })
  app.patch('/api/users/:username', ...change, async (req, res) => {
    const body = RoleBody.safeParse(req.body)
    if (!body.success) return bad(res, zodReason(body.error))
    const username = String(req.params.username)
    if (body.data.role !== 'admin' && (await accounts.isLastAdmin(username))) return void res.status(409).json({ error: 'the last admin keeps the admin role' })
    if (!(await accounts.setRole(username, body.data.role))) return void res.status(404).json({ error: 'no such user' })
    res.json({ username, role: body.data.role })
  })
  app.delete('/api/users/:username', ...change, async (req, res) => {
    const username = String(req.params.username)
    if (await accounts.isLastAdmin(username)) return void res.status(409).json({ error: 'the last admin cannot be removed' })
    if (!(await accounts.removeUser(username))) return void res.status(404).json({ error: 'no such user' })
    res.json({ removed: true })
  })
}
