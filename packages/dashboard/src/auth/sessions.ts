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
}

/** Failed logins per client network in a sliding window; memory bounded by the window. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  blocked(key: string): boolean {
    const recent = (this.failures.get(key) ?? []).filter((t) => t > this.now() - this.windowMs)
    if (recent.length === 0) this.failures.delete(key)
    else this.failures.set(key, recent)
    return recent.length >= this.max
  }

  fail(key: string): void {
    this.failures.set(key, [...(this.failures.get(key) ?? []), this.now()])
  }

  clear(key: string): void {
    this.failures.delete(key)
  }
}
