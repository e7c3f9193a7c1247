import { existsSync, readFileSync, rmSync } from 'node:fs'
import { z } from 'zod'
import { RoleSchema, type Accounts } from './accounts.ts'

/** The JSON file earlier versions kept accounts in. */
const LegacySchema = z.object({
  users: z.array(z.object({ username: z.string(), role: RoleSchema, passwordHash: z.string(), mustChangePassword: z.boolean().default(false) })).default([]),
  shareLinks: z.array(z.object({ id: z.string(), tokenHash: z.string(), site: z.string(), createdAt: z.number(), revoked: z.boolean() })).default([]),
  apiKeys: z.array(z.object({ id: z.string(), keyHash: z.string(), username: z.string(), createdAt: z.number(), revoked: z.boolean() })).default([]),
})

/**
 * Moves a `dashboard-auth.json` of an earlier version into the store once, then removes
 * the file. Hashes move as they are, so passwords, keys and links keep working; a user
 * already in the store wins over the file's copy. Old keys carried their owner's full
 * role: they become `stats:read` keys of every configured site, the least they did.
 */
export async function migrateAuthFile(accounts: Accounts, file: string, siteIds: readonly string[]): Promise<{ users: number; keys: number; links: number } | undefined> {
  if (!existsSync(file)) return undefined
  const legacy = LegacySchema.parse(JSON.parse(readFileSync(file, 'utf8')))
  const known = new Set((await accounts.users()).map((u) => u.username))
  const users = legacy.users.filter((u) => !known.has(u.username))
  const now = accounts.now()
  await accounts.insert(
    'auth_users',
    users.map((u) => ({ username: u.username, role: u.role, password_hash: u.passwordHash, must_change: u.mustChangePassword ? 1 : 0, generation: 1, removed: 0, created_at: now })),
  )
  await accounts.insert(
    'auth_api_keys',
    legacy.apiKeys.map((k) => ({ id: k.id, key_hash: k.keyHash, username: k.username, scope: 'stats:read', sites: siteIds, parent_id: '', created_at: k.createdAt, last_used_at: null, revoked: k.revoked ? 1 : 0 })),
  )
  await accounts.insert(
    'auth_share_links',
    legacy.shareLinks.map((l) => ({ id: l.id, token_hash: l.tokenHash, site: l.site, created_by: '', created_at: l.createdAt, revoked: l.revoked ? 1 : 0 })),
  )
  rmSync(file)
  return { users: users.length, keys: legacy.apiKeys.length, links: legacy.shareLinks.length }
}
