import type { NextFunction, Request, Response } from 'express'
import { clientIp, truncateAddress, type TrustedProxies } from '@quiet-analytics/core'
import type { AccountStores } from '../auth/account-stores.ts'
import type { ActiveSession, KeyScope, Role } from '../auth/accounts.ts'

export const SESSION_COOKIE = 'qa_session'

/** Who is asking: a logged-in user, an API key (of some sites), or a share link bound to one site. */
export type Principal =
  | { kind: 'session'; username: string; role: Role; session: ActiveSession }
  | { kind: 'api-key'; username: string; role: Role; keyId: string; scope: KeyScope; sites: string[] }
  | { kind: 'share'; site: string }

const principals = new WeakMap<Request, Principal>()

/** Who made this request, as established by identify(). */
export function principalOf(req: Request): Principal | undefined {
  return principals.get(req)
}

export function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    // Tokens are URL-safe: a value that does not decode is no token, not an error.
    if (k === name) {
      try {
        return decodeURIComponent(v.join('='))
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/**
 * The client's network (/24 or /48), the key of the login limiter: found as the collector
 * finds it, so behind a trusted reverse proxy each client counts, not the proxy.
 */
export function clientNetwork(req: Request, trusted: TrustedProxies): string {
  const forwarded = req.headers['x-forwarded-for']
  const client = clientIp(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trusted)
  return client ? truncateAddress(client.bytes) : 'unknown'
}

/** Finds the principal from the store at every request: a session or key ended elsewhere ends here too. */
export function identify({ accounts, keys, links }: AccountStores) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const session = await accounts.session(cookie(req, SESSION_COOKIE))
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1]
    const share = typeof req.query.token === 'string' ? req.query.token : undefined
    if (session) principals.set(req, { kind: 'session', username: session.username, role: session.role, session })
    else if (bearer) {
      const key = await keys.resolve(bearer)
      if (key) principals.set(req, { kind: 'api-key', username: key.username, role: key.role, keyId: key.id, scope: key.scope, sites: key.sites })
    } else if (share) {
      const site = await links.resolve(share)
      if (site) principals.set(req, { kind: 'share', site })
    }
    next()
  }
}

export function requireUser(req: Request, res: Response, next: NextFunction): void {
  const p = principalOf(req)
  if (!p || p.kind === 'share') {
    res.status(401).json({ error: 'log in, or send an API key' })
    return
  }
  next()
}

export function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  requireUser(req, res, () => {
    const p = principalOf(req) as Exclude<Principal, { kind: 'share' }>
    if (p.role === 'admin') return next()
    res.status(403).json({ error: p.kind === 'api-key' ? 'this key has the stats:read scope: admin actions need a key of scope admin made by an admin' : 'admins only' })
  })
}

/** State-changing requests made with the session cookie must carry the session's CSRF token. */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  const p = principalOf(req)
  if (p?.kind === 'session' && req.headers['x-csrf-token'] !== p.session.csrf) {
    res.status(403).json({ error: 'missing or wrong CSRF token (X-CSRF-Token)' })
    return
  }
  next()
}
