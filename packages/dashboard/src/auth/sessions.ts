import { randomToken } from './passwords.ts'
import type { Role } from './auth-store.ts'

export interface Session {
  username: string
  role: Role
  csrf: string
  expires: number
}

/** In-memory sessions: a fresh random id at every login (no fixation), sliding expiry. */
export class Sessions {
  private readonly sessions = new Map<string, Session>()

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  create(username: string, role: Role): { id: string; session: Session } {
    const id = randomToken(32)
    const session = { username, role, csrf: randomToken(24), expires: this.now() + this.ttlMs }
    this.sessions.set(id, session)
    return { id, session }
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined
    const s = this.sessions.get(id)
    if (!s) return undefined
    if (s.expires < this.now()) {
      this.sessions.delete(id)
      return undefined
    }
    s.expires = this.now() + this.ttlMs
    return s
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id)
  }

  /** Ends every session of a user (but `keep`): after a password change or a reset, old sessions must not go on. */
  destroyUser(username: string, keep?: string): void {
    for (const [id, s] of this.sessions) if (s.username === username && id !== keep) this.sessions.delete(id)
  }
}
