import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import express, { type NextFunction, type Request, type Response } from 'express'
import { z } from 'zod'
import { DIMENSION_NAMES, DIMENSIONS, minGroupSize, resolveSite, trustedProxyMatcher, zodReason, type Clock, type DimensionDef, type Config, type Logger, type Site } from '@quiet-analytics/core'
import type { AccountStores } from '../auth/account-stores.ts'
import { LoginLimiter } from '../auth/login-limiter.ts'
import { BreakdownParamsSchema, EventQuerySchema, FunnelQuerySchema, PropertyQuerySchema, StatsParamsSchema, type StatsParams } from '../stats/params.ts'
import { StatsError, type StatsService } from '../stats/stats-service.ts'
import { toCsv } from '../stats/csv.ts'
import type { FunnelService } from '../stats/funnel-service.ts'
import type { PrivacyService } from '../stats/privacy-service.ts'
import { mountAdminRoutes } from './admin-routes.ts'
import { mountFunnelAdminRoutes } from './funnel-routes.ts'
import { clientNetwork, identify, principalOf, requireAdmin, requireCsrf, requireUser, SESSION_COOKIE } from './access.ts'

export interface DashboardDeps {
  config: Config
  stats: StatsService
  funnels: FunnelService
  privacy: PrivacyService
  auth: AccountStores
  logger: Logger
  clock: Clock
  /**
   * Asks the aggregator to run the privacy audit now (under `pnpm start`, through the
   * supervisor): the dashboard's own database user may not read what the audit reads.
   */
  requestAudit?: (by: string) => void
}

const require = createRequire(import.meta.url)
const UI = new URL('../../ui/', import.meta.url)
const asset = (file: URL | string) => readFileSync(file)

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
}

/** No principal: a share token that resolves to nothing is a missing page, anything else needs a login. */
function refuse(req: Request, res: Response): void {
  if (typeof req.query.token === 'string') res.status(404).json({ error: 'unknown or revoked share link' })
  else res.status(401).json({ error: 'log in, send an API key, or use a share link' })
}

/**
 * The UI draws its panels from the vocabulary: it arrives inside the page as inert
 * JSON (the CSP allows no inline script), so a new dimension needs no UI change.
 */
function withVocabulary(index: Buffer): Buffer {
  const panels: Record<string, [string, string][]> = {}
  for (const name of DIMENSION_NAMES) {
    const d: DimensionDef = DIMENSIONS[name]
    if (d.panel) (panels[d.panel] ??= []).push([name, d.label])
  }
  const json = JSON.stringify({ panels: Object.entries(panels).map(([title, tabs]) => ({ title, tabs })) }).replace(/</g, '\\u003c')
  return Buffer.from(index.toString('utf8').replace('<!-- vocabulary -->', `<script type="application/json" id="vocabulary">${json}</script>`))
}

const LoginSchema = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) })

/** The dashboard: stats API over aggregates only, auth, share links, API keys, and the UI. */
export function createDashboardApp(deps: DashboardDeps): express.Express {
  const { config, stats, privacy, clock } = deps
  const { accounts } = deps.auth
  const sites = config.sites.map(resolveSite)
  const limiter = new LoginLimiter(config.dashboard.loginAttempts, 15 * 60_000, clock.now)
  const trusted = trustedProxyMatcher(config.collector.trustedProxies)
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS)
    next()
  })
  // The page and its assets need no principal: served before the session is looked up in the store.
  const files: Record<string, [string, Buffer]> = {
    '/app.js': ['application/javascript; charset=utf-8', asset(new URL('app.js', UI))],
    '/app.css': ['text/css; charset=utf-8', asset(new URL('app.css', UI))],
    '/uplot.js': ['application/javascript; charset=utf-8', asset(require.resolve('uplot/dist/uPlot.iife.min.js'))],
    '/uplot.css': ['text/css; charset=utf-8', asset(require.resolve('uplot/dist/uPlot.min.css'))],
  }
  const index = withVocabulary(asset(new URL('index.html', UI)))
  for (const [path, [type, body]] of Object.entries(files)) app.get(path, (_req, res) => void res.type(type).set('Cache-Control', 'public, max-age=300').send(body))
  for (const path of ['/', '/share/:token', '/privacy']) app.get(path, (_req, res) => void res.type('html').send(index))
  app.use(express.json({ limit: '8kb' }))
  app.use(identify(deps.auth))
  // A session opened with a printed one-time password may only replace it: the server says so, not just the UI.
  const FIRST_LOGIN_PATHS = new Set(['/api/password', '/api/me', '/api/logout'])
  app.use('/api', (req, res, next) => {
    const p = principalOf(req)
    if (p?.kind === 'session' && p.session.mustChangePassword && !FIRST_LOGIN_PATHS.has(req.baseUrl + req.path)) {
      return void res.status(403).json({ error: 'choose your own password first: POST /api/password {current, next}' })
    }
    next()
  })


  app.post('/api/login', async (req, res) => {
    const body = LoginSchema.safeParse(req.body)
    if (!body.success) return void res.status(400).json({ error: 'username and password required' })
    const attempt = limiter.begin(body.data.username, clientNetwork(req, trusted))
    if (!attempt) return void res.status(429).set('Retry-After', '900').json({ error: 'too many failed logins; try again later' })
    const user = await accounts.verify(body.data.username, body.data.password)
    if (!user) {
      attempt.failed()
      return void res.status(401).json({ error: 'wrong username or password' })
    }
    attempt.succeeded()
    const before = principalOf(req)
    if (before?.kind === 'session') await accounts.endSession(before.session.token)
    const session = await accounts.createSession(user)
    const secure = req.secure || req.headers['x-forwarded-proto'] === 'https'
    // The cookie may live as long as the session could; the server ends it sooner when idle.
    res.cookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: config.dashboard.sessionMaxHours * 3_600_000 })
    res.json({ username: user.username, role: user.role, csrf: session.csrf, mustChangePassword: user.mustChangePassword })
  })

  app.post('/api/password', requireUser, requireCsrf, async (req, res) => {
    const p = principalOf(req)
    if (p?.kind !== 'session') return void res.status(403).json({ error: 'change passwords from a logged-in session' })
    const body = z.object({ current: z.string().min(1).max(200), next: z.string().min(12, 'at least 12 characters').max(200) }).safeParse(req.body)
    if (!body.success) return void res.status(400).json({ error: zodReason(body.error) })
    if (!(await accounts.verify(p.username, body.data.current))) return void res.status(403).json({ error: 'current password is wrong' })
    // Whoever else held a session of this user (a stolen cookie, another browser) must log in again.
    await accounts.changePassword(p.username, body.data.next, p.session.token)
    res.json({ changed: true })
  })

  app.post('/api/logout', requireCsrf, async (req, res) => {
    const p = principalOf(req)
    if (p?.kind === 'session') await accounts.endSession(p.session.token)
    res.clearCookie(SESSION_COOKIE, { path: '/' })
    res.json({ ok: true })
  })

  app.get('/api/me', (req, res) => {
    const p = principalOf(req)
    if (!p) return refuse(req, res)
    if (p.kind === 'share') return void res.json({ share: true, site: p.site, minGroupSize: minGroupSize(sites.find((s) => s.id === p.site) ?? {}, config.aggregation) })
    if (p.kind === 'api-key') return void res.json({ username: p.username, role: p.role, key: { id: p.keyId, scope: p.scope, sites: p.sites } })
    res.json({ username: p.username, role: p.role, csrf: p.session.csrf, mustChangePassword: p.session.mustChangePassword })
  })

  /** The sites the principal may read. */
  const visibleSites = (req: Request): Site[] => {
    const p = principalOf(req)
    if (!p) return []
    if (p.kind === 'share') return sites.filter((s) => s.id === p.site)
    return p.kind === 'api-key' ? sites.filter((s) => p.sites.includes(s.id)) : sites
  }

  app.get('/api/sites', (req, res) => {
    if (!principalOf(req)) return refuse(req, res)
    res.json(visibleSites(req).map((s) => ({ id: s.id, domains: s.domains, timezone: s.timezone, goals: s.goals.map((g) => g.name) })))
  })

  const withStats =
    (handler: (site: Site, p: StatsParams, req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response, next: NextFunction) => {
      if (!principalOf(req)) return refuse(req, res)
      const parsed = StatsParamsSchema.safeParse(req.query)
      if (!parsed.success) return void res.status(400).json({ error: zodReason(parsed.error, 'query') })
      const site = visibleSites(req).find((s) => s.id === parsed.data.site)
      // A share link's other sites and unknown sites look the same: not found.
      if (!site) return void res.status(404).json({ error: 'unknown site' })
      try {
        // Through a share link, a filter on a value under k would show that small group's numbers: refused.
        const k = shareK(req, site)
        if (k > 1 && parsed.data.filter && (await stats.filterVisitors(site, parsed.data, clock.now())) < k) {
          return void res.status(403).json({ error: `filter: fewer than ${k} visitors have this value in this period; share links show such values only inside (other)` })
        }
        await handler(site, parsed.data, req, res)
      } catch (err) {
        if (err instanceof StatsError) return void res.status(400).json({ error: err.message })
        next(err)
      }
    }
  /** A share link's audience sees groups of at least the site's k, as the rollup stores them; maintainers see every stored row. */
  const shareK = (req: Request, site: Site) => (principalOf(req)?.kind === 'share' ? minGroupSize(site, config.aggregation) : 1)

  app.get('/api/stats/aggregate', withStats(async (site, p, _req, res) => void res.json(await stats.topline(site, p, clock.now()))))
  app.get('/api/stats/timeseries', withStats(async (site, p, _req, res) => void res.json(await stats.timeseries(site, p, clock.now()))))
  app.get('/api/stats/current', withStats(async (site, _p, _req, res) => void res.json({ visitors: await stats.current(site, clock.now()) })))
  app.get('/api/stats/events', withStats(async (site, p, _req, res) => void res.json(await stats.events(site, p, clock.now(), 'event'))))
  app.get('/api/stats/goals', withStats(async (site, p, _req, res) => void res.json(await stats.events(site, p, clock.now(), 'goal'))))
  app.get(
    '/api/stats/breakdown/:dimension',
    withStats(async (site, p, req, res) => {
      const raw = String(req.params.dimension)
      const csv = raw.endsWith('.csv')
      const dim = BreakdownParamsSchema.safeParse({ dimension: csv ? raw.slice(0, -4) : raw })
      if (!dim.success) return void res.status(400).json({ error: `unknown dimension ${raw}` })
      const rows = await stats.breakdown(site, dim.data.dimension, p, clock.now(), shareK(req, site))
      if (!csv) return void res.json(rows)
      res.type('text/csv').set('Content-Disposition', `attachment; filename="${site.id}-${dim.data.dimension}.csv"`).send(toCsv(rows))
    }),
  )
  app.get(
    '/api/stats/breakdown',
    withStats(async (site, p, req, res) => {
      const q = PropertyQuerySchema.safeParse(req.query)
      if (!q.success) return void res.status(400).json({ error: zodReason(q.error, 'query') })
      if (q.data.kind === 'dimension') return void res.json(await stats.breakdown(site, q.data.dimension, p, clock.now(), shareK(req, site)))
      if (p.filter) return void res.status(400).json({ error: 'filter: property breakdowns are per event and cannot be filtered' })
      res.json(await stats.propertyBreakdown(site, q.data.event, q.data.key, p, clock.now(), shareK(req, site)))
    }),
  )
  app.get(
    '/api/stats/properties',
    withStats(async (site, p, req, res) => {
      const q = EventQuerySchema.safeParse(req.query)
      if (!q.success) return void res.status(400).json({ error: zodReason(q.error, 'query') })
      res.json(await stats.propertyKeys(site, q.data.event, p, clock.now()))
    }),
  )
  app.get('/api/funnels', withStats(async (site, _p, _req, res) => void res.json(await deps.funnels.list(site))))
  app.get(
    '/api/stats/funnel',
    withStats(async (site, p, req, res) => {
      const q = FunnelQuerySchema.safeParse(req.query)
      if (!q.success) return void res.status(400).json({ error: zodReason(q.error, 'query') })
      const result = await deps.funnels.stats(site, q.data.funnel, p, clock.now(), minGroupSize(site, config.aggregation))
      if (!result) return void res.status(404).json({ error: `site ${site.id} has no funnel ${q.data.funnel}` })
      res.json(result)
    }),
  )
  mountFunnelAdminRoutes(app, deps.funnels, sites)
  // Operational counts for the site's maintainers, not for the audience of a share link.
  app.get('/api/stats/drops', requireUser, withStats(async (site, p, _req, res) => void res.json(await stats.drops(site, p, clock.now()))))

  app.get('/api/privacy', requireUser, async (_req, res) => void res.json({ ...(await privacy.report(config)), auditOnDemand: deps.requestAudit !== undefined }))
  app.post('/api/privacy/audit', requireAdmin, requireCsrf, (req, res) => {
    if (!deps.requestAudit) return void res.status(409).json({ error: 'this dashboard cannot reach the aggregator (it runs outside pnpm start): run pnpm qa audit' })
    deps.requestAudit((principalOf(req) as { username: string }).username)
    res.status(202).json({ requested: true })
  })

  mountAdminRoutes(app, deps.auth, sites)

  app.use('/api', (_req, res) => void res.status(404).json({ error: 'not found' }))
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' })
    if (err.status === 413) return void res.status(413).json({ error: 'body too large' })
    if (err.type === 'charset.unsupported' || err.type === 'encoding.unsupported') return void res.status(415).json({ error: 'send the body as UTF-8 JSON, uncompressed' })
    // Any other refusal by Express or its body parser is the client's: its status, never a 500.
    if (err.status !== undefined && err.status >= 400 && err.status < 500) return void res.status(err.status).json({ error: 'bad request' })
    deps.logger.error({ err: { message: err.message } }, 'dashboard request failed')
    res.status(500).json({ error: 'internal error' })
  })
  return app
}
