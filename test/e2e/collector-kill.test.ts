import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROME_UA } from '../support/collector-server.ts'
import { startQaStore, startServing, stopProcess, withDataDir } from '../support/cli-process.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'qa-kill-'))
const FLUSH_MS = 200
let child: ChildProcess | undefined
let storeProc: ChildProcess | undefined

async function startCollector() {
  const started = await startServing(['collector'], { DATA_DIR: dataDir, COLLECTOR_PORT: '0', COLLECTOR_PROCESSES: '1', SITES: 'test.example', FLUSH_INTERVAL_MS: String(FLUSH_MS), RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'silent' })
  child = started.proc
  return started
}

const post = (url: string, path: string) =>
  fetch(`${url}/api/event`, { method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA }, body: JSON.stringify({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' }) })
    .then((r) => r.status)
    .catch(() => 0)

beforeAll(async () => {
  storeProc = (await startQaStore(dataDir)).proc
})

afterAll(async () => {
  if (child && child.exitCode === null) await stopProcess(child)
  if (storeProc) await stopProcess(storeProc)
  rmSync(dataDir, { recursive: true, force: true })
})

describe('collector killed during load, then restarted', () => {
  it('loses at most what it held in memory, stores nothing twice, and serves again', async () => {
    const first = await startCollector()
    let sent = 0
    let accepted = 0
    const acceptedAt: number[] = []
    let killedAt = 0
    const load = (async () => {
      while (!killedAt) {
        const statuses = await Promise.all(Array.from({ length: 10 }, () => post(first.url, `/kill/${sent++}`)))
        const ok = statuses.filter((s) => s === 202).length
        accepted += ok
        for (let i = 0; i < ok; i++) acceptedAt.push(Date.now())
      }
    })()
    await new Promise((r) => setTimeout(r, 1500))
    killedAt = Date.now()
    await stopProcess(first.proc, 'SIGKILL')
    await load
    const second = await startCollector()
    expect(await post(second.url, '/after-restart')).toBe(202)
    await stopProcess(second.proc)

    await withDataDir(dataDir, async (store) => {
      const [r] = await (await store.client.query({ query: "SELECT count() AS n, uniqExact(path) AS paths FROM raw_hits WHERE path LIKE '/kill/%'", format: 'JSONEachRow' })).json<{ n: string; paths: string }>()
      const stored = Number(r!.n)
      const inLastFlush = acceptedAt.filter((t) => t > killedAt - 2 * FLUSH_MS).length
      process.stdout.write(`collector SIGKILL: sent ${sent}, accepted ${accepted}, stored ${stored}, accepted in the last ${2 * FLUSH_MS} ms ${inLastFlush}\n`)
      expect(stored).toBe(Number(r!.paths))
      expect(stored).toBeLessThanOrEqual(accepted)
      expect(accepted - stored).toBeLessThanOrEqual(inLastFlush)
      const [after] = await (await store.client.query({ query: "SELECT count() AS n FROM raw_hits WHERE path = '/after-restart'", format: 'JSONEachRow' })).json<{ n: string }>()
      expect(after!.n).toBe('1')
    })
  }, 60_000)
})
