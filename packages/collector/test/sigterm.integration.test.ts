import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startQaStore, startServing, stopProcess, withDataDir } from '../../../test/support/cli-process.ts'
import { CHROME_UA } from '../../../test/support/collector-server.ts'

describe('SIGTERM', () => {
  it('flushes every accepted event before the collector exits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'qa-sigterm-'))
    const store = await startQaStore(dataDir)
    const { proc: child, url } = await startServing(['collector'], { DATA_DIR: dataDir, COLLECTOR_PORT: '0', COLLECTOR_PROCESSES: '1', SITES: 'test.example', FLUSH_INTERVAL_MS: '60000', LOG_LEVEL: 'silent' })
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
        body: JSON.stringify({ n: 'pageview', u: `https://test.example/term/${i}`, d: 'test.example' }),
      })
      expect(res.status).toBe(202)
    }
    expect(await stopProcess(child)).toBe(0)
    const stored = await withDataDir(dataDir, async (store) => {
      const r = await store.client.query({ query: "SELECT count() AS n FROM raw_hits WHERE path LIKE '/term/%'", format: 'JSONEachRow' })
      return Number((await r.json<{ n: string }>())[0]!.n)
    })
    expect(await stopProcess(store.proc)).toBe(0)
    rmSync(dataDir, { recursive: true, force: true })
    expect(stored).toBe(25)
  })
})
