import type { ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CHROME_UA } from '../support/collector-server.ts'
import { qaStoreForFile, startServing, stopProcess, withDataDir } from '../support/cli-process.ts'

const { dataDir } = qaStoreForFile('qa-kill-outage-')
let child: ChildProcess | undefined
const spooled = () => readdirSync(join(dataDir, 'spool', '0')).filter((f) => f.endsWith('.json')).length

async function startCollector() {
  const started = await startServing(['collector'], { DATA_DIR: dataDir, COLLECTOR_PORT: '0', COLLECTOR_PROCESSES: '1', SITES: 'test.example', FLUSH_INTERVAL_MS: '100', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'silent' })
  child = started.proc
  return started
}

afterAll(async () => {
  if (child && child.exitCode === null) await stopProcess(child)
})

describe('collector killed while the store refuses inserts, then restarted', () => {
  it('replays the spool after the restart and stores nothing twice', async () => {
    // A real refusal by the engine: a constraint no row can pass.
    await withDataDir(dataDir, (s) => s.client.command({ query: 'ALTER TABLE raw_hits ADD CONSTRAINT outage CHECK 0' }))
    const first = await startCollector()
    let accepted = 0
    for (let i = 0; i < 300; i++) {
      const res = await fetch(`${first.url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
        body: JSON.stringify({ n: 'pageview', u: `https://test.example/outage-kill/${i}`, d: 'test.example' }),
      })
      if (res.status === 202) accepted++
    }
    // Once every accepted event has failed into the spool, kill without a chance to flush.
    const storedSoFar = () => withDataDir(dataDir, async (s) => Number((await (await s.client.query({ query: "SELECT count() AS n FROM raw_hits WHERE path LIKE '/outage-kill/%'", format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n))
    const spooledRows = () =>
      readdirSync(join(dataDir, 'spool', '0'))
        .filter((f) => f.endsWith('.json'))
        .reduce((n, f) => n + (JSON.parse(readFileSync(join(dataDir, 'spool', '0', f), 'utf8').split('\n')[0]!) as { rows: number }).rows, 0)
    await expect.poll(spooledRows, { timeout: 20_000 }).toBe(300)
    await stopProcess(first.proc, 'SIGKILL')
    const batches = spooled()
    expect(await storedSoFar()).toBe(0)

    await withDataDir(dataDir, (s) => s.client.command({ query: 'ALTER TABLE raw_hits DROP CONSTRAINT outage' }))
    const second = await startCollector()
    await expect.poll(spooled, { timeout: 20_000 }).toBe(0)
    await stopProcess(second.proc)

    const [r] = await withDataDir(dataDir, async (s) =>
      (await s.client.query({ query: "SELECT count() AS n, uniqExact(path) AS paths FROM raw_hits WHERE path LIKE '/outage-kill/%'", format: 'JSONEachRow' })).json<{ n: string; paths: string }>(),
    )
    process.stdout.write(`collector SIGKILL during a store outage: sent 300, accepted ${accepted}, spooled batches ${batches}, stored after restart ${r!.n}\n`)
    expect(accepted).toBe(300)
    expect(Number(r!.n)).toBe(300)
    expect(r!.paths).toBe(r!.n)
  }, 60_000)
})
