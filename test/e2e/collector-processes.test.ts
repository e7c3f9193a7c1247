import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROME_UA } from '../support/collector-server.ts'
import { childPids, commandLine, qaStoreForFile, startServing, stopProcess, withDataDir } from '../support/cli-process.ts'

const { dataDir } = qaStoreForFile('qa-processes-')

describe('several collector processes on one port', () => {
  it('share the port and the store, each with its own spool slot, and all flush on SIGTERM', async () => {
    const { proc, url } = await startServing(['collector'], { DATA_DIR: dataDir, COLLECTOR_PORT: '0', COLLECTOR_PROCESSES: '2', SITES: 'test.example', FLUSH_INTERVAL_MS: '60000', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'silent' })
    const workers = childPids(proc.pid!).filter((pid) => commandLine(pid).includes('main.ts'))
    expect(workers).toHaveLength(2)
    expect(readdirSync(join(dataDir, 'spool')).sort()).toEqual(['0', '1'])
    let accepted = 0
    // Forty connections at once: the primary hands them to the workers in turn.
    for (let round = 0; round < 5; round++) {
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fetch(`${url}/api/event`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA, connection: 'close' },
            body: JSON.stringify({ n: 'pageview', u: `https://test.example/processes/${round}-${i}`, d: 'test.example' }),
          }).then((r) => r.status),
        ),
      )
      accepted += statuses.filter((s) => s === 202).length
    }
    expect(accepted).toBe(200)
    expect(await stopProcess(proc)).toBe(0)
    const [r] = await withDataDir(dataDir, async (s) => (await s.client.query({ query: "SELECT count() AS n, uniqExact(path) AS paths FROM raw_hits WHERE path LIKE '/processes/%'", format: 'JSONEachRow' })).json<{ n: string; paths: string }>())
    expect(r).toEqual({ n: '200', paths: '200' })
  }, 60_000)
})
