import { createHash } from 'node:crypto'
import type { ClickHouseClient } from '@clickhouse/client'
import { z } from 'zod'
import { hashPassword, randomToken, verifyPassword } from './passwords.ts'

export const RoleSchema = z.enum(['admin', 'viewer'])
export type Role = z.infer<typeof RoleSchema>

export const UsernameSchema = z.string().regex(/^[a-z0-9._-]{1,64}$/, 'a-z, 0-9, ".", "_", "-" (at most 64)')

/** `stats:read` reads the stats of the key's sites; `admin` may also manage keys, users and share links. */
export const KeyScopeSchema = z.enum(['stats:read', 'admin'])
export type KeyScope = z.infer<typeof KeyScopeSchema>

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

// Verifying against this for unknown users keeps timing from telling which names exist.
const NO_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

/** Sliding expiry is written back at most this often: one row per session per minute, not per request. */
const TOUCH_MS = 60_000

interface UserRow {
  username: string
  role: Role
  password_hash: string
  must_change: number
  generation: number
  removed: number
  created_at: number
}

export interface Account {
  username: string
  role: Role
  mustChangePassword: boolean
  createdAt: number
}

/** A valid session, found from its cookie: the CSRF token derives from the cookie, so it is stored nowhere. */
export interface ActiveSession {
  token: string
  username: string
  role: Role
  mustChangePassword: boolean
  csrf: string
}

export interface SessionLifetimes {
  /** Without a request for this long, a session ends. */
  slidingMs: number
  /** After this long since login, a session ends however active. */
  absoluteMs: number
}

const csrfOf = (token: string) => createHash('sha256').update(`csrf\0${token}`).digest('base64url')

/**
 * Dashboard accounts and sessions, kept in the store so every process (the dashboard,
 * `qa user`) reads one state at once. Each change is a new row of one user or session;
 * readers take the latest row, so concurrent changes to different users never erase
 * each other. Only hashes are stored.
 */
export class Accounts {
  constructor(
    readonly client: ClickHouseClient,
    readonly now: () => number,
    private readonly lifetimes: SessionLifetimes = { slidingMs: 12 * 3_600_000, absoluteMs: 168 * 3_600_000 },
  ) {}

  async rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>()
  }

  async insert(table: string, values: object[]): Promise<void> {
    if (values.length > 0) await this.client.insert({ table, values, format: 'JSONEachRow' })
  }

  private async userRow(username: string): Promise<UserRow | undefined> {
    const [row] = await this.rows<UserRow>('SELECT username, role, password_hash, must_change, generation, removed, toUnixTimestamp64Milli(created_at) AS created_at FROM auth_users FINAL WHERE username = {u:String}', { u: username })
    return row && { ...row, created_at: Number(row.created_at) }
  }

  async user(username: string): Promise<Account | undefined> {
    const row = await this.userRow(username)
    return row && !row.removed ? { username: row.username, role: row.role, mustChangePassword: row.must_change === 1, createdAt: row.created_at } : undefined
  }

  async users(): Promise<Account[]> {
    // Filtered after FINAL: a removal is the user's latest row.
    const rows = await this.rows<UserRow>('SELECT username, role, must_change, removed, toUnixTimestamp64Milli(created_at) AS created_at FROM auth_users FINAL ORDER BY username')
    return rows.filter((r) => !r.removed).map((r) => ({ username: r.username, role: r.role, mustChangePassword: r.must_change === 1, createdAt: Number(r.created_at) }))
  }

  async hasUsers(): Promise<boolean> {
    return (await this.users()).length > 0
  }

  /**
   * Creates a user, or resets one (password and role), with a random one-time password
   * returned once: it must be changed at first login. Every session of the user ends.
   */
  async setUser(username: string, role: Role): Promise<string> {
    const password = randomToken(12)
    const before = await this.userRow(username)
    await this.writeUser({
      username,
      role,
      password_hash: await hashPassword(password),
      must_change: 1,
      generation: (before?.generation ?? 0) + 1,
      removed: 0,
      created_at: before && !before.removed ? before.created_at : this.now(),
    })
    return password
  }

  /** A new role ends the user's sessions: they were opened with the old one. */
  async setRole(username: string, role: Role): Promise<boolean> {
    const before = await this.userRow(username)
    if (!before || before.removed) return false
    await this.writeUser({ ...before, role, generation: before.generation + 1 })
    return true
  }

  /**
   * Removes a user: their sessions end, and their API keys (with the keys those made)
   * stop resolving. The row stays as a tombstone without a password hash, so a stale
   * copy of the user can never come back.
   */
  async removeUser(username: string): Promise<boolean> {
    const before = await this.userRow(username)
    if (!before || before.removed) return false
    await this.writeUser({ ...before, password_hash: '', must_change: 0, removed: 1, generation: before.generation + 1 })
    await this.mergeAway('auth_users')
    return true
  }

  async verify(username: string, password: string): Promise<(Account & { generation: number }) | undefined> {
    const row = await this.userRow(username)
    const live = row && !row.removed ? row : undefined
    const ok = await verifyPassword(password, live?.password_hash || NO_HASH)
    return live && ok ? { username: live.username, role: live.role, mustChangePassword: live.must_change === 1, createdAt: live.created_at, generation: live.generation } : undefined
  }

  /** Every other session of the user ends; `keep` (the session that made the change) goes on. */
  async changePassword(username: string, next: string, keep?: string): Promise<void> {
    const before = await this.userRow(username)
    if (!before || before.removed) throw new Error('no such user')
    const generation = before.generation + 1
    await this.writeUser({ ...before, password_hash: await hashPassword(next), must_change: 0, generation })
    if (keep) {
      const [s] = await this.sessionRows(keep)
      if (s) await this.writeSession({ ...s, generation })
    }
    await this.mergeAway('auth_users')
  }

  /** The last admin may be neither removed nor demoted: nobody could manage the dashboard any more. */
  async isLastAdmin(username: string): Promise<boolean> {
    const admins = (await this.users()).filter((u) => u.role === 'admin')
    return admins.length === 1 && admins[0]!.username === username
  }

  private async writeUser(row: UserRow): Promise<void> {
    await this.insert('auth_users', [row])
  }

  /**
   * Superseded rows keep old password hashes until the store merges them: merge now.
   * Best effort: a server-mode user set up without OPTIMIZE leaves it to the store's own merges.
   */
  private async mergeAway(table: string): Promise<void> {
    await this.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` }).catch(() => undefined)
  }

  async createSession(user: { username: string; generation: number }): Promise<{ token: string; csrf: string }> {
    const token = randomToken(32)
    const now = this.now()
    await this.writeSession({ id_hash: sha256(token), username: user.username, generation: user.generation, created_at: now, last_seen_at: now, ended: 0 })
    return { token, csrf: csrfOf(token) }
  }

  private async sessionRows(token: string) {
    return this.rows<{ id_hash: string; username: string; generation: number; created_at: number; last_seen_at: number; ended: number; user_generation: number; removed: number; role: Role; must_change: number }>(
      `SELECT s.id_hash AS id_hash, s.username AS username, s.generation AS generation,
              toUnixTimestamp64Milli(s.created_at) AS created_at, toUnixTimestamp64Milli(s.last_seen_at) AS last_seen_at, s.ended AS ended,
              u.generation AS user_generation, u.removed AS removed, u.role AS role, u.must_change AS must_change
       FROM (SELECT * FROM auth_sessions FINAL WHERE id_hash = {h:String}) AS s
       INNER JOIN (SELECT * FROM auth_users FINAL) AS u ON u.username = s.username`,
      { h: sha256(token) },
    )
  }

  private async writeSession(s: { id_hash: string; username: string; generation: number; created_at: number; last_seen_at: number; ended: number }): Promise<void> {
    const { id_hash, username, generation, created_at, last_seen_at, ended } = s
    await this.insert('auth_sessions', [{ id_hash, username, generation, created_at: Number(created_at), last_seen_at: Number(last_seen_at), ended }])
  }

  /**
   * The session a cookie names, if it still holds: not ended, of a user not removed,
   * of the user's current generation (no password change, reset or role change since),
   * within both its sliding and its absolute lifetime.
   */
  async session(token: string | undefined): Promise<ActiveSession | undefined> {
    if (!token) return undefined
    const [s] = await this.sessionRows(token)
    if (!s || s.ended || s.removed || s.generation !== s.user_generation) return undefined
    const now = this.now()
    const seen = Number(s.last_seen_at)
    if (now - seen > this.lifetimes.slidingMs || now - Number(s.created_at) > this.lifetimes.absoluteMs) return undefined
    if (now - seen >= TOUCH_MS) await this.writeSession({ ...s, last_seen_at: now })
    return { token, username: s.username, role: s.role, mustChangePassword: s.must_change === 1, csrf: csrfOf(token) }
  }

  async endSession(token: string): Promise<void> {
    const [s] = await this.sessionRows(token)
    if (s) await this.writeSession({ ...s, ended: 1 })
  }
}
