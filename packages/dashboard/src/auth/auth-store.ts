import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import { hashPassword, randomToken, verifyPassword } from './passwords.ts'

export const RoleSchema = z.enum(['admin', 'viewer'])
export type Role = z.infer<typeof RoleSchema>

const StateSchema = z.object({
  users: z.array(z.object({ username: z.string(), role: RoleSchema, passwordHash: z.string(), mustChangePassword: z.boolean().default(false) })).default([]),
  shareLinks: z.array(z.object({ id: z.string(), tokenHash: z.string(), site: z.string(), createdAt: z.number(), revoked: z.boolean() })).default([]),
  apiKeys: z.array(z.object({ id: z.string(), keyHash: z.string(), username: z.string(), createdAt: z.number(), revoked: z.boolean() })).default([]),
})
type State = z.infer<typeof StateSchema>

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/**
 * Dashboard accounts, share links and API keys in one JSON file, written atomically.
 * Only hashes are stored: scrypt for passwords, SHA-256 for random tokens and keys.
 */
export class AuthStore {
  private state: State

  constructor(private readonly file: string) {
    this.state = existsSync(file) ? StateSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : StateSchema.parse({})
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(this.state, null, 2), { mode: 0o600 })
    renameSync(tmp, this.file)
  }

  get hasUsers(): boolean {
    return this.state.users.length > 0
  }

  users(): { username: string; role: Role }[] {
    return this.state.users.map(({ username, role }) => ({ username, role }))
  }

  /** Creates (or resets) a user with a random one-time password, returned once: it must be changed at first login. */
  async addUser(username: string, role: Role): Promise<string> {
    const password = randomToken(12)
    const passwordHash = await hashPassword(password)
    this.state.users = [...this.state.users.filter((u) => u.username !== username), { username, role, passwordHash, mustChangePassword: true }]
    this.save()
    return password
  }

  async verify(username: string, password: string): Promise<{ username: string; role: Role; mustChangePassword: boolean } | undefined> {
    const user = this.state.users.find((u) => u.username === username)
    // Hash even for unknown users so timing does not reveal which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    return user && ok ? { username: user.username, role: user.role, mustChangePassword: user.mustChangePassword } : undefined
  }

  async changePassword(username: string, next: string): Promise<void> {
    const user = this.state.users.find((u) => u.username === username)
    if (!user) throw new Error('no such user')
    user.passwordHash = await hashPassword(next)
    user.mustChangePassword = false
    this.save()
  }

  mustChangePassword(username: string): boolean {
    return this.state.users.find((u) => u.username === username)?.mustChangePassword ?? false
  }

  roleOf(username: string): Role | undefined {
    return this.state.users.find((u) => u.username === username)?.role
  }

  createShareLink(site: string, now: number): { id: string; token: string } {
    const token = randomToken(24)
    const id = randomToken(6)
    this.state.shareLinks.push({ id, tokenHash: sha256(token), site, createdAt: now, revoked: false })
    this.save()
    return { id, token }
  }

  shareLinks(): { id: string; site: string; createdAt: number; revoked: boolean }[] {
    return this.state.shareLinks.map(({ id, site, createdAt, revoked }) => ({ id, site, createdAt, revoked }))
  }

  resolveShareToken(token: string): string | undefined {
    const hash = sha256(token)
    return this.state.shareLinks.find((l) => l.tokenHash === hash && !l.revoked)?.site
  }

  revokeShareLink(id: string): boolean {
    return this.revoke(this.state.shareLinks, id)
  }

  createApiKey(username: string, now: number): { id: string; key: string } {
    const key = `qa_${randomToken(24)}`
    const id = randomToken(6)
    this.state.apiKeys.push({ id, keyHash: sha256(key), username, createdAt: now, revoked: false })
    this.save()
    return { id, key }
  }

  resolveApiKey(key: string): string | undefined {
    const hash = sha256(key)
    return this.state.apiKeys.find((k) => k.keyHash === hash && !k.revoked)?.username
  }

  revokeApiKey(id: string): boolean {
    return this.revoke(this.state.apiKeys, id)
  }

  /** Revoked entries are kept, marked, so listings keep their history; resolving skips them. */
  private revoke(entries: { id: string; revoked: boolean }[], id: string): boolean {
    const entry = entries.find((e) => e.id === id)
    if (!entry) return false
    entry.revoked = true
    this.save()
    return true
  }
}
