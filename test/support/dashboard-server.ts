import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLogger, manualClock, type Config } from '@quiet-analytics/core'
import { type Store } from '@quiet-analytics/store'
import { accountsFor, dashboardApp, type AccountStores } from '@quiet-analytics/dashboard'

export interface TestDashboard {
  url: string
  /** Accounts on the dashboard's own connection, as the dashboard sees them. */
  auth: AccountStores
  server: Server
  /** The dashboard's clock: sessions expire on it. */
  clock: ReturnType<typeof manualClock>
  /**
   * A user who has already chosen their own password (returned): the server refuses a
   * session opened with a printed one-time password everything but changing it.
   */
  user(username: string, role: 'admin' | 'viewer'): Promise<string>
  /** Logs in and returns a fetch bound to the session cookie, and the CSRF token. */
  login(username: string, password: string): Promise<{ get: (path: string) => Promise<Response>; send: (method: string, path: string, body?: unknown, csrf?: string | null) => Promise<Response>; csrf: string }>
  stop(): Promise<void>
}

export async function startTestDashboard(config: Config, store: Store, nowMs: number): Promise<TestDashboard> {
  const clock = manualClock(nowMs)
  const auth = accountsFor(config, store, clock)
  const server = createServer(dashboardApp(config, store, auth, createLogger('silent'), clock))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    auth,
    server,
    clock,
    user: async (username, role) => {
      const password = `${await auth.accounts.setUser(username, role)}-own`
      await auth.accounts.changePassword(username, password)
      return password
    },
    login: async (username, password) => {
      const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
      if (res.status !== 200) throw new Error(`login failed: ${res.status}`)
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!
      const { csrf } = (await res.json()) as { csrf: string }
      return {
        csrf,
        get: (path) => fetch(`${url}${path}`, { headers: { cookie } }),
        send: (method, path, body, token = csrf) =>
          fetch(`${url}${path}`, {
            method,
            headers: { cookie, 'content-type': 'application/json', ...(token === null ? {} : { 'x-csrf-token': token }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          }),
      }
    },
    stop: () => new Promise((r) => {
      server.closeAllConnections()
      server.close(() => r())
    }),
  }
}
