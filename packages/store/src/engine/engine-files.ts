import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { StoreError } from '../store-error.ts'

/**
 * Where the bundled store keeps its own files inside DATA_DIR: the generated engine
 * configuration, one password file per database user, and the endpoint of the running
 * store process. Everything is created 0700/0600: whoever can read these can read the
 * store, so they are exactly as private as the data directory.
 */
export function engineDir(dataDir: string): string {
  return join(resolve(dataDir), 'engine')
}

export const enginePaths = (dataDir: string) => {
  const dir = engineDir(dataDir)
  return {
    dir,
    configXml: join(dir, 'config.xml'),
    usersXml: join(dir, 'users.xml'),
    spec: join(dir, 'engine-spec.json'),
    endpoint: join(dir, 'endpoint.json'),
    password: (user: string) => join(dir, `${user}.password`),
  }
}

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writePrivateFile(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, text, { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, path)
}

/** The user's password, generated on the store's first start and kept for every later one. */
export function ensureStorePassword(dataDir: string, user: string): string {
  const path = enginePaths(dataDir).password(user)
  if (existsSync(path)) return readFileSync(path, 'utf8').trim()
  ensurePrivateDir(engineDir(dataDir))
  const password = randomBytes(24).toString('base64url')
  writePrivateFile(path, `${password}\n`)
  return password
}

/** The password a client of the bundled store connects with. */
export function readStorePassword(dataDir: string, user: string): string {
  try {
    return readFileSync(enginePaths(dataDir).password(user), 'utf8').trim()
  } catch {
    throw new StoreError(`no password for the store user ${user} in ${engineDir(dataDir)}: is this the store's data directory, and readable by this user?`)
  }
}

/** What a running store process publishes for its clients. */
export interface StoreEndpoint {
  /** The process that owns the engine (`qa store`, or `pnpm start`). */
  pid: number
  enginePid: number
  httpPort: number
  tcpPort?: number
  startedAt: string
}

export function readEndpoint(dataDir: string): StoreEndpoint | undefined {
  try {
    return JSON.parse(readFileSync(enginePaths(dataDir).endpoint, 'utf8')) as StoreEndpoint
  } catch {
    return undefined
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The store process running on dataDir, if one is. */
export function runningStore(dataDir: string): StoreEndpoint | undefined {
  const endpoint = readEndpoint(dataDir)
  return endpoint && isAlive(endpoint.pid) && isAlive(endpoint.enginePid) ? endpoint : undefined
}
