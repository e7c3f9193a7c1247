import { spawn } from 'node:child_process'
import { get } from 'node:http'
import { rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { engineConfigXml, engineUsersXml, type ClusterNode, type EngineConfigInput } from './engine-config.ts'
import { ensureStorePassword, enginePaths, ensurePrivateDir, readEndpoint, runningStore, writePrivateFile, type StoreEndpoint } from './engine-files.ts'
import { StoreError, WRITER_USER } from '../store-error.ts'

/**
 * Nice value of the engine process: below the collectors. Inserts and merges come in
 * bursts; at equal priority they took the collectors' cores from under them on a busy
 * machine. Rollups and dashboard queries yield to ingest when the machine is saturated.
 */
export const ENGINE_NICE = 10

export interface StoreProcessOptions {
  dataDir: string
  database: string
  /** HTTP port on 127.0.0.1; 0 picks a free one. */
  httpPort: number
  /** Native protocol port (0 picks one), for Distributed tables over several stores. */
  tcpPort?: number
  dashboardUser: string
  cluster?: { name: string; nodes: ClusterNode[] }
  /** Seen by the tests only: the users.xml to serve instead of the generated one. */
  usersXml?: (generated: string) => string
}

export interface StoreProcess {
  url: string
  httpPort: number
  tcpPort?: number
  enginePid: number
  /** Resolves with the engine's exit code when it ends, for whatever reason. */
  exited: Promise<number | null>
  /** Ends the serving query; the engine shuts down cleanly. */
  stop(): Promise<void>
}

/** Binds the port for a moment: 0 gives a free one; a taken one is said in one line. The engine itself would serve on without it. */
async function claimPort(port: number, setting: string): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new StoreError(`port ${port} is in use: choose another with ${setting}`) : err))
    server.listen(port, '127.0.0.1', resolve)
  })
  const bound = (server.address() as { port: number }).port
  await new Promise((r) => server.close(r))
  return bound
}

function libchdbPath(): string {
  try {
    const { libchdbPath: locate } = createRequire(import.meta.url)('chdb/libchdb') as { libchdbPath: () => string }
    return locate()
  } catch {
    throw new StoreError('the bundled engine is not installed (packages chdb and ffi-rs): install them, or set CLICKHOUSE_URL to use a ClickHouse server')
  }
}

/** Refuses a second store on one data directory, naming the one that runs. */
export function assertNoRunningStore(dataDir: string): void {
  const running = runningStore(dataDir)
  if (running) {
    throw new StoreError(`a store is already running on ${resolve(dataDir)} (pid ${running.pid}, http://127.0.0.1:${running.httpPort})`)
  }
}

function explain(line: string, dataDir: string): string {
  if (/Another server instance|Cannot lock file/.test(line)) return `the data directory ${resolve(dataDir)} is used by another engine process`
  return `the bundled engine did not start: ${line}`
}

/**
 * Runs the bundled engine as its own process serving ClickHouse's HTTP interface on
 * 127.0.0.1, on dataDir, with the generated users (writer, dashboard). Resolves once it
 * answers; publishes its endpoint in dataDir for the roles and `qa` commands.
 */
export async function startStoreProcess(opts: StoreProcessOptions): Promise<StoreProcess> {
  const dataDir = resolve(opts.dataDir)
  ensurePrivateDir(dataDir)
  assertNoRunningStore(dataDir)
  const paths = enginePaths(dataDir)
  ensurePrivateDir(paths.dir)
  const httpPort = await claimPort(opts.httpPort, 'STORE_PORT')
  const tcpPort = opts.tcpPort === undefined ? undefined : await claimPort(opts.tcpPort, 'STORE_TCP_PORT')
  const input: EngineConfigInput = {
    database: opts.database,
    writer: { name: WRITER_USER, password: ensureStorePassword(dataDir, WRITER_USER) },
    dashboard: { name: opts.dashboardUser, password: ensureStorePassword(dataDir, opts.dashboardUser) },
    httpPort,
    ...(tcpPort ? { tcpPort } : {}),
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
  }
  const users = engineUsersXml(input)
  writePrivateFile(paths.configXml, engineConfigXml(input))
  writePrivateFile(paths.usersXml, opts.usersXml ? opts.usersXml(users) : users)
  const args = [`--config-file=${paths.configXml}`, `--path=${dataDir}/`, `--http_port=${httpPort}`, '--listen_host=127.0.0.1', ...(tcpPort ? [`--tcp_port=${tcpPort}`] : [])]
  writePrivateFile(paths.spec, JSON.stringify({ libPath: libchdbPath(), args, httpPort, tcp: tcpPort !== undefined, nice: ENGINE_NICE, stopUser: WRITER_USER, stopPasswordFile: paths.password(WRITER_USER) }))

  const host = fileURLToPath(new URL('../../engine/engine-host.mjs', import.meta.url))
  // Its own process group: a terminal's Ctrl-C reaches the parent, which stops the engine last.
  const child = spawn(process.execPath, [host, paths.spec], { cwd: dataDir, stdio: ['pipe', 'ignore', 'pipe'], detached: true })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)))
  const url = `http://127.0.0.1:${httpPort}`
  const deadline = Date.now() + 60_000
  while (!(await ping(url))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const code = await exited
      throw new StoreError(explain(stderr.trim().split('\n').at(-1) || `exit code ${code}`, dataDir))
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new StoreError('the bundled engine did not answer within 60 s')
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const endpoint: StoreEndpoint = { pid: process.pid, enginePid: child.pid!, httpPort, ...(tcpPort ? { tcpPort } : {}), startedAt: new Date().toISOString() }
  writePrivateFile(paths.endpoint, `${JSON.stringify(endpoint)}\n`)

  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin!.end('stop\n')
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
        await exited
        clearTimeout(timer)
      }
      if (readEndpoint(dataDir)?.enginePid === child.pid) rmSync(paths.endpoint, { force: true })
    })())
  return { url, httpPort, ...(tcpPort ? { tcpPort } : {}), enginePid: child.pid!, exited, stop }
}

// No keep-alive: an idle connection left open would hold the engine's shutdown for seconds.
const ping = (url: string) =>
  new Promise<boolean>((resolve) => {
    const req = get(`${url}/ping`, { agent: false, timeout: 2000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => req.destroy())
  })
