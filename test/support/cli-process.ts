import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '@quiet-analytics/core'
import type { Store } from '@quiet-analytics/store'
import { withStore } from 'quiet-analytics/store-access'

export const ROOT = new URL('../../', import.meta.url).pathname

/** Runs `qa <args>` in its own process, as a user would, with extra environment. */
export function spawnQa(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Resolves with the first match of `pattern` in what the process prints (stdout and stderr). */
export function whenPrinted(proc: ChildProcess, pattern: RegExp, what: string, timeoutMs = 20_000): Promise<RegExpExecArray> {
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), timeoutMs)
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = pattern.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m)
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', onData)
  })
}

/** Starts a serving `qa` command and resolves with its URL once it prints "listening on URL". */
export async function startServing(args: string[], env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawnQa(args, env)
  const m = await whenPrinted(proc, /listening on (http:\/\/\S+)/, `qa ${args.join(' ')}`)
  return { proc, url: m[1]! }
}

/** `qa store` on a data directory, as an operator starts it; resolves once it serves. */
export function startQaStore(dataDir: string, env: Record<string, string> = {}): Promise<{ proc: ChildProcess; url: string }> {
  return startServing(['store'], { DATA_DIR: dataDir, STORE_PORT: '0', LOG_LEVEL: 'silent', ...env })
}

/**
 * A fresh data directory with `qa store` running on it for the whole test file, as an
 * operator runs it beside the roles; stopped and deleted after the file's tests.
 */
export function qaStoreForFile(prefix: string): { dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  let proc: ChildProcess | undefined
  beforeAll(async () => {
    proc = (await startQaStore(dataDir)).proc
  })
  afterAll(async () => {
    if (proc) await stopProcess(proc)
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { dataDir }
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

/** The processes started by `pid` (direct children), from /proc: Linux only. */
export function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid
      } catch {
        return false
      }
    })
    .map(Number)
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

export const isRunning = (pid: number) => commandLine(pid) !== ''

export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}
