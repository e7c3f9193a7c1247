import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROME_UA } from '../support/collector-server.ts'
import { qaStoreForFile, startServing, stopProcess, withDataDir } from '../support/cli-process.ts'

const { dataDir } = qaStoreForFile('qa-kill-')
const FLUSH_MS = 200
/** Timers fire late on a busy machine, and a 202 reaches the test after the event was taken. */
const TIMER_SLACK_MS = 100

const sql = (query: string) => withDataDir(dataDir, (s) => s.client.command({ query }))
const post = (url: string, path: string) =>
  fetch(`${url}/api/event`, { method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA }, body: JSON.stringify({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' }) })
    .then((r) => r.status)
    .catch(() => 0)
const collector = (logLevel = 'debug') =>
  startServing(['collector'], { DATA_DIR: dataDir, COLLECTOR_PORT: '0', COLLECTOR_PROCESSES: '1', SITES: 'test.example', FLUSH_INTERVAL_MS: String(FLUSH_MS), RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: logLevel })

interface Kill {
  at: number
  point: string
  maxInsertMs: number
}

describe('collector killed under load, ten times, at different points', () => {
  it('loses only events younger than one flush interval plus one insert, and stores nothing twice', async () => {
    const accepted = new Map<string, { at: number; kill: number }>()
    const kills: Kill[] = []
    for (let k = 0; k < 10; k++) {
      // The last three kills happen while the store refuses: batches go to the spool.
      if (k === 7) await sql('ALTER TABLE raw_hits ADD CONSTRAINT refuse CHECK 0')
      const point = k < 4 ? 'anywhere' : k < 7 ? 'mid-insert' : 'mid-spool-write'
      const c = await collector()
      let logs = ''
      c.proc.stdout!.on('data', (d: Buffer) => (logs += d.toString()))
      let n = 0
      let killed = false
      const load = (async () => {
        while (!killed) {
          await Promise.all(
            Array.from({ length: 10 }, async () => {
              const path = `/kill/${k}/${n++}`
              if ((await post(c.url, path)) === 202 && !killed) accepted.set(path, { at: Date.now(), kill: k })
            }),
          )
        }
      })()
      const since = logs.length
      const aim = point === 'mid-insert' ? 'raw_hits batch to the store' : point === 'mid-spool-write' ? 'raw_hits batch to the spool' : undefined
      // Load for a while first, then kill at once (anywhere), or as the next batch starts on its way.
      await new Promise((r) => setTimeout(r, 300 + k * 97))
      if (aim) {
        const from = logs.length
        await expect.poll(() => logs.indexOf(aim, Math.max(since, from)) >= 0, { timeout: 10_000, interval: 1 }).toBe(true)
      }
      killed = true
      const at = Date.now()
      await stopProcess(c.proc, 'SIGKILL')
      await load
      const inserts = [...logs.matchAll(/"ms":(\d+)[^\n]*"raw_hits insert done"/g)].map((m) => Number(m[1]))
      kills.push({ at, point, maxInsertMs: Math.max(0, ...inserts) })
    }
    await sql('ALTER TABLE raw_hits DROP CONSTRAINT refuse')
    const recovery = await collector('silent')
    await expect.poll(() => readdirSync(join(dataDir, 'spool', '0')).filter((f) => f.endsWith('.json')).length, { timeout: 20_000 }).toBe(0)
    await stopProcess(recovery.proc)

    const stored = await withDataDir(dataDir, async (s) => (await s.client.query({ query: "SELECT path, count() AS n FROM raw_hits WHERE path LIKE '/kill/%' GROUP BY path", format: 'JSONEachRow' })).json<{ path: string; n: string }>())
    expect(stored.filter((r) => r.n !== '1')).toEqual([])
    const storedPaths = new Set(stored.map((r) => r.path))
    const lines: string[] = []
    for (const [k, kill] of kills.entries()) {
      const mine = [...accepted.entries()].filter(([, a]) => a.kill === k)
      const lost = mine.filter(([path]) => !storedPaths.has(path))
      const oldestLostAgeMs = lost.length ? Math.max(...lost.map(([, a]) => kill.at - a.at)) : 0
      const bound = FLUSH_MS + kill.maxInsertMs + TIMER_SLACK_MS
      lines.push(`kill ${k + 1} (${kill.point}): accepted ${mine.length}, lost ${lost.length}, oldest lost ${oldestLostAgeMs} ms old (bound ${bound} ms: flush ${FLUSH_MS} + insert ${kill.maxInsertMs} + ${TIMER_SLACK_MS})`)
      expect(oldestLostAgeMs, lines.at(-1)).toBeLessThanOrEqual(bound)
    }
    process.stdout.write(`collector SIGKILL, 10 kills:\n  ${lines.join('\n  ')}\n`)
  }, 120_000)
})
