import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '@qa/core'
import type { Store } from '@qa/store'
import { withStore } from '@qa/cli/store-access'

export const ROOT = new URL('../../', import.meta.url).pathname

/** Runs `qa <args>` in its own process, as a user would, with extra environment. */
export function spawnQa(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Starts a serving `qa` command and resolves with its URL once it prints "listening on URL". */
export function startServing(args: string[], env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawnQa(args, env)
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`qa ${args.join(' ')} did not start: ${out}`)), 20_000)
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ proc, url: m[1]! })
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', onData)
  })
}

export async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const exited = new Promise<number | null>((r) => (proc.exitCode === null ? proc.once('exit', (code) => r(code)) : r(proc.exitCode)))
  proc.kill(signal)
  return exited
}

/** The live store of a data directory (the running one, or one started for this work), as `qa` commands reach it. */
export function withDataDir<T>(dataDir: string, work: (store: Store) => Promise<T>): Promise<T> {
  return withStore(loadConfig({}, { dataDir, logLevel: 'silent' }), work)
}

export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}
