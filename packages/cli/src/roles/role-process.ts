import { loadConfig, type Config } from '@quiet-analytics/core'

/** A role serving in this process until stopped. */
export interface RunningRole {
  /** What it serves, when it serves HTTP. */
  url?: string
  /** The dashboard's first admin, created by this start: shown once. */
  firstAdminPassword?: string
  stop(): Promise<void>
}

/** Messages between a supervisor and the role processes it forks. */
export type RoleMessage =
  | { type: 'config?' }
  | { type: 'config'; config: Config }
  | { type: 'ready'; url?: string; firstAdminPassword?: string }
  /** From the dashboard, forwarded by the supervisor to the aggregator: an admin asked for an audit. */
  | { type: 'audit-request'; by: string }

/** Set in the environment of a forked role: its configuration comes from the parent. */
export const SUPERVISED_ENV = 'QA_SUPERVISED'

const out = (text: string) => process.stdout.write(text)

/**
 * A role's configuration: the parent's resolved one when supervised (the supervisor may
 * have added the demo site or picked ports), else the environment and CONFIG_FILE.
 */
export function roleConfig(): Promise<Config> {
  if (!process.env[SUPERVISED_ENV] || !process.send) return Promise.resolve(loadConfig())
  return new Promise((resolve) => {
    const onMessage = (m: RoleMessage) => {
      if (m.type !== 'config') return
      process.off('message', onMessage)
      resolve(m.config)
    }
    process.on('message', onMessage)
    // Asked for once listening: a message sent before a listener exists is lost.
    process.send!({ type: 'config?' } satisfies RoleMessage)
  })
}

/**
 * Serves a role until SIGTERM, SIGINT or, when supervised, until the parent goes away;
 * then stops it (a collector flushes first) and exits 0. Reports readiness to the parent,
 * or prints "<name> listening on URL" when run by hand.
 */
export async function serveRole(name: string, start: (config: Config) => Promise<RunningRole>): Promise<number> {
  const config = await roleConfig()
  const role = await start(config)
  const { url, firstAdminPassword } = role
  if (process.send && process.env[SUPERVISED_ENV]) process.send({ type: 'ready', ...(url ? { url } : {}), ...(firstAdminPassword ? { firstAdminPassword } : {}) } satisfies RoleMessage)
  else out([url ? `${name} listening on ${url}` : `${name} running`, ...(firstAdminPassword ? [firstLoginLine(firstAdminPassword)] : []), ''].join('\n'))
  onShutdown(() => role.stop(), !process.env[SUPERVISED_ENV])
  return -1
}

export const firstLoginLine = (password: string) => `  first login      admin / ${password}   (one-time password: you choose your own at first login)`

/** Stops on the first signal or parent disconnect; exits 0 when stopped cleanly. */
export function onShutdown(stop: () => Promise<void>, announce = true): void {
  let stopping = false
  const handler = (reason: string) => {
    if (stopping) return
    stopping = true
    if (announce) out(`${reason}: flushing and stopping\n`)
    stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`shutdown failed: ${err.message}\n`)
        process.exit(1)
      },
    )
  }
  // Kept after the first: a second Ctrl-C (or pnpm passing the signal on) must not kill a process that is flushing.
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
  if (process.send) process.once('disconnect', () => handler('parent gone'))
}
