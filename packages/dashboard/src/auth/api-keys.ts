import type { Accounts, KeyScope, Role } from './accounts.ts'
import { sha256 } from './accounts.ts'
import { randomToken } from './passwords.ts'

/** Last use is written back at most this often, not at every request. */
const TOUCH_MS = 60_000

interface KeyRow {
  id: string
  key_hash: string
  username: string
  scope: KeyScope
  sites: string[]
  parent_id: string
  created_at: number
  last_used_at: number | null
  revoked: number
  creator_live: number
  creator_role: Role
}

export interface ApiKeyInfo {
  id: string
  scope: KeyScope
  sites: string[]
  createdBy: string
  /** The key that made this one, when it was made with a key. */
  createdByKey?: string
  createdAt: number
  lastUsedAt?: number
  /** Why the key no longer works; absent while it does. */
  inactive?: 'revoked' | 'creator revoked' | 'creator removed'
}

/** A key that resolved: what it may do now. */
export interface KeyPrincipal {
  id: string
  username: string
  scope: KeyScope
  sites: string[]
  /** admin only when the scope is admin and its creator is still an admin. */
  role: Role
}

/**
 * API keys, in the store beside the accounts. Whether a key works is derived at every
 * use, never copied: revoking a key stops the keys it made, and removing a user stops
 * every key they made, at once and in every process.
 */
export class ApiKeys {
  constructor(private readonly accounts: Accounts) {}

  /** Every key with its creator's standing, in one round trip: a key is checked at every request. */
  private async all(): Promise<KeyRow[]> {
    const rows = await this.accounts.rows<KeyRow>(
      `SELECT k.id AS id, k.key_hash AS key_hash, k.username AS username, k.scope AS scope, k.sites AS sites, k.parent_id AS parent_id,
              toUnixTimestamp64Milli(k.created_at) AS created_at, toUnixTimestamp64Milli(k.last_used_at) AS last_used_at, k.revoked AS revoked,
              u.username = k.username AND u.removed = 0 AS creator_live, u.role AS creator_role
       FROM (SELECT * FROM auth_api_keys FINAL) AS k
       LEFT JOIN (SELECT username, role, removed FROM auth_users FINAL) AS u ON u.username = k.username
       ORDER BY created_at, id`,
    )
    return rows.map((r) => ({ ...r, created_at: Number(r.created_at), last_used_at: r.last_used_at === null ? null : Number(r.last_used_at) }))
  }

  /** Why a key no longer works, derived from its own row, its creator and the key that made it. */
  private static inactivity(keys: KeyRow[]): (row: KeyRow) => ApiKeyInfo['inactive'] {
    const byId = new Map(keys.map((k) => [k.id, k]))
    const why = (row: KeyRow, own = true): ApiKeyInfo['inactive'] => {
      if (row.revoked) return own ? 'revoked' : 'creator revoked'
      if (!row.creator_live) return 'creator removed'
      if (!row.parent_id) return undefined
      const parent = byId.get(row.parent_id)
      return parent ? why(parent, false) : 'creator revoked'
    }
    return (row) => why(row)
  }

  async list(): Promise<ApiKeyInfo[]> {
    const keys = await this.all()
    const inactive = ApiKeys.inactivity(keys)
    return keys.map((k) => {
      const why = inactive(k)
      return {
        id: k.id,
        scope: k.scope,
        sites: k.sites,
        createdBy: k.username,
        ...(k.parent_id ? { createdByKey: k.parent_id } : {}),
        createdAt: k.created_at,
        ...(k.last_used_at !== null ? { lastUsedAt: k.last_used_at } : {}),
        ...(why ? { inactive: why } : {}),
      }
    })
  }

  async create(opts: { username: string; scope: KeyScope; sites: string[]; parentId?: string }): Promise<{ id: string; key: string }> {
    const key = `qa_${randomToken(24)}`
    const id = randomToken(6)
    await this.accounts.insert('auth_api_keys', [
      { id, key_hash: sha256(key), username: opts.username, scope: opts.scope, sites: opts.sites, parent_id: opts.parentId ?? '', created_at: this.accounts.now(), last_used_at: null, revoked: 0 },
    ])
    return { id, key }
  }

  async resolve(key: string): Promise<KeyPrincipal | undefined> {
    const keys = await this.all()
    const hash = sha256(key)
    const row = keys.find((k) => k.key_hash === hash)
    if (!row || ApiKeys.inactivity(keys)(row)) return undefined
    const now = this.accounts.now()
    if (row.last_used_at === null || now - row.last_used_at >= TOUCH_MS) await this.write({ ...row, last_used_at: now })
    return { id: row.id, username: row.username, scope: row.scope, sites: row.sites, role: row.scope === 'admin' && row.creator_role === 'admin' ? 'admin' : 'viewer' }
  }

  async revoke(id: string): Promise<boolean> {
    const row = (await this.all()).find((k) => k.id === id)
    if (!row) return false
    if (!row.revoked) await this.write({ ...row, revoked: 1 })
    return true
  }

  private async write(row: KeyRow): Promise<void> {
    const { id, key_hash, username, scope, sites, parent_id, created_at, last_used_at, revoked } = row
    await this.accounts.insert('auth_api_keys', [{ id, key_hash, username, scope, sites, parent_id, created_at, last_used_at, revoked }])
  }
}
