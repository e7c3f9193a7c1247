import { fork, type ChildProcess } from 'node:child_process'
import type { Config, Logger } from '@quiet-analytics/core'
import { SUPERVISED_ENV, type RoleMessage } from '../roles/role-process.ts'

export type Ready = Extract<RoleMessage, { type: 'ready' }>

const MAX_BACKOFF_MS = 30_000
/** A role that ran this long before dying is restarted at once again. */
const HEALTHY_MS = 60_000

/**
 * One role (`qa collector`, `qa aggregator`, `qa dashboard`) in its own process, given
 * the supervisor's resolved configuration over IPC. In its own process group, so a
 * terminal's Ctrl-C reaches only the supervisor, which stops the roles in order. A role
 * that dies is logged and started again, with a backoff while it keeps dying.
 */
export class RoleChild {
  private child: ChildProcess | undefined
  private stopping = false
  private backoffMs = 1000
  private startedAt = 0

  /** Messages of the role other than its start-up handshake (an audit request from the dashboard). */
  onMessage: (m: RoleMessage) => void = () => undefined

  constructor(
    readonly name: string,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /** Sends a message to the running role; dropped when it is between restarts. */
  send(m: RoleMessage): void {
    if (this.child?.connected) this.child.send(m)
  }

  start(): Promise<Ready> {
    this.startedAt = Date.now()
    const child = fork(process.argv[1]!, [this.name], { env: { ...process.env, [SUPERVISED_ENV]: '1' }, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.child = child
    return new Promise<Ready>((resolve, reject) => {
      let ready = false
      child.on('message', (m: RoleMessage) => {
        if (m.type === 'config?') child.send({ type: 'config', config: this.config } satisfies RoleMessage)
        else if (m.type !== 'ready') this.onMessage(m)
        if (m.type !== 'ready') return
        ready = true
        resolve(m)
      })
      child.once('exit', (code, signal) => {
        if (!ready) reject(new Error(`${this.name} exited (${signal ?? `code ${code}`}) before it was ready`))
        else if (!this.stopping) this.restart(code, signal)
      })
    })
  }

  private restart(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return
    if (Date.now() - this.startedAt > HEALTHY_MS) this.backoffMs = 1000
    const delay = this.backoffMs
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2)
    this.logger.error({ role: this.name, code, signal, restartInMs: delay }, `${this.name} exited: restarting`)
    setTimeout(() => {
      if (this.stopping) return
      this.start().then(
        () => this.logger.warn({ role: this.name }, `${this.name} restarted`),
        (err: Error) => {
          this.logger.error({ role: this.name, err: { message: err.message } }, `${this.name} restart failed`)
          if (!this.stopping) this.restart(null, null)
        },
      )
    }, delay).unref()
  }

  /** SIGTERM, and the role's own clean stop (a collector flushes); SIGKILL after 30 s. */
  async stop(): Promise<void> {
    this.stopping = true
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(timer)
  }
}
