import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { existsSync, rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { enginePaths, startStoreProcess, StoreError } from '../src/index.ts'
import { isRunning, ROOT } from '../../../test/support/cli-process.ts'
import { testConfig } from '../../../test/support/temp-store.ts'

const dirs: string[] = []
const dataDir = () => {
  const dir = testConfig().dataDir
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const start = (dir: string, httpPort = 0) => startStoreProcess({ dataDir: dir, database: 'analytics', httpPort, dashboardUser: 'qa_dashboard' })

describe.runIf(!process.env.CLICKHOUSE_URL)('the store process', () => {
  it('stops cleanly: exit code 0, its endpoint withdrawn', async () => {
    const dir = dataDir()
    const store = await start(dir)
    expect(existsSync(enginePaths(dir).endpoint)).toBe(true)
    await store.stop()
    expect(await store.exited).toBe(0)
    expect(existsSync(enginePaths(dir).endpoint)).toBe(false)
  })

  it('says in one line when its port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const { port } = blocker.address() as { port: number }
    try {
      const err = await start(dataDir(), port).then(() => undefined, (e: Error) => e)
      expect(err).toBeInstanceOf(StoreError)
      expect(err!.message).toBe(`port ${port} is in use: choose another with STORE_PORT`)
    } finally {
      blocker.close()
    }
  })

  it('stops when the process that started it is killed', async () => {
    const dir = dataDir()
    const parent = spawn(process.execPath, ['--import', 'tsx', 'test/support/store-parent.ts', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    parent.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    await expect.poll(() => out, { timeout: 30_000 }).toMatch(/engine \d+/)
    const enginePid = Number(/engine (\d+)/.exec(out)![1])
    expect(isRunning(enginePid)).toBe(true)
    parent.kill('SIGKILL')
    await expect.poll(() => isRunning(enginePid), { timeout: 20_000 }).toBe(false)
  })
})
