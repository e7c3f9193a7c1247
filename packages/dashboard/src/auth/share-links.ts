import type { Accounts } from './accounts.ts'
import { sha256 } from './accounts.ts'
import { randomToken } from './passwords.ts'

export interface ShareLinkInfo {
  id: string
  site: string
  createdBy: string
  createdAt: number
  revoked: boolean
}

interface LinkRow {
  id: string
  token_hash: string
  site: string
  created_by: string
  created_at: number
  revoked: number
}

/**
 * Share links, in the store beside the accounts. A link belongs to its site's audience,
 * not to the admin who made it: it outlives its creator's removal, listed with its
 * creator, until an admin revokes it.
 */
export class ShareLinks {
  constructor(private readonly accounts: Accounts) {}

  private async all(): Promise<LinkRow[]> {
    const rows = await this.accounts.rows<LinkRow>('SELECT id, token_hash, site, created_by, toUnixTimestamp64Milli(created_at) AS created_at, revoked FROM auth_share_links FINAL ORDER BY created_at, id')
    return rows.map((r) => ({ ...r, created_at: Number(r.created_at) }))
  }

  async create(site: string, createdBy: string): Promise<{ id: string; token: string }> {
    const token = randomToken(24)
    const id = randomToken(6)
    await this.accounts.insert('auth_share_links', [{ id, token_hash: sha256(token), site, created_by: createdBy, created_at: this.accounts.now(), revoked: 0 }])
    return { id, token }
  }

  async list(): Promise<ShareLinkInfo[]> {
    return (await this.all()).map((l) => ({ id: l.id, site: l.site, createdBy: l.created_by, createdAt: l.created_at, revoked: l.revoked === 1 }))
  }

  /** The site a live token opens. */
  async resolve(token: string): Promise<string | undefined> {
    // Filtered after FINAL: the latest row of the link says whether it is revoked.
    const [row] = await this.accounts.rows<{ site: string; revoked: number }>('SELECT site, revoked FROM auth_share_links FINAL WHERE token_hash = {h:String}', { h: sha256(token) })
    return row && !row.revoked ? row.site : undefined
  }

  async revoke(id: string): Promise<boolean> {
    const row = (await this.all()).find((l) => l.id === id)
    if (!row) return false
    if (!row.revoked) await this.accounts.insert('auth_share_links', [{ ...row, revoked: 1 }])
    return true
  }
}
